"""Keep the minutes library in step with the working groups, and never lose a document."""

import hashlib
import hmac
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import ProtectedError
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils.translation import gettext
from wagtail.documents.models import document_served
from wagtail.models import Collection

from accounts.client_address import client_ip
from workinggroups.models import WorkingGroupPage
from workinggroups.roles import working_group_synced

from .library import archive_group_minutes, ensure_group_minutes
from .models import DownloadLogEntry, LibraryDocument

logger = logging.getLogger(__name__)


@receiver(working_group_synced)
def group_synced(sender, page, django_group, **kwargs):
    ensure_group_minutes(page, django_group)


@receiver(pre_delete, sender=WorkingGroupPage)
def group_page_deleted(sender, instance, **kwargs):
    archive_group_minutes(instance.pk)


@receiver(pre_delete, sender=Collection)
def refuse_deleting_a_collection_with_documents(sender, instance, **kwargs):
    """Wagtail cascades a collection's documents: a collection that holds any is never deleted."""
    held = LibraryDocument.objects.filter(collection__path__startswith=instance.path)
    if held.exists():
        raise ProtectedError(
            gettext("La collection « %(name)s » contient des documents : déplacez-les avant de la supprimer.")
            % {"name": instance.name},
            set(held[:10]),
        )


def client_address_hash(request):
    if settings.DOWNLOAD_LOG_IP == "omit":
        return ""
    address = client_ip(request)
    if not address:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


@receiver(document_served)
def log_download(sender, instance, request, **kwargs):
    """One row per served document. A failure here is logged and never stops the download."""
    try:
        with transaction.atomic():
            DownloadLogEntry.objects.create(
                user=request.user if request.user.is_authenticated else None,
                document=instance,
                document_title=instance.title[:255],
                working_group_id=instance.working_group_id,
                ip_hash=client_address_hash(request),
            )
    except Exception:
        logger.exception("Could not write the download log for document %s", instance.pk)
