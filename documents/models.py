import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.documents.models import AbstractDocument, Document, DocumentQuerySet
from wagtail.search import index

from languages.formats import human_date
from workinggroups.choices import MembershipRole

from . import orphans
from .choices import DocumentKind
from .filing import FILING_FIELDS, Filing, is_board
from .uploads import clean_upload_name

logger = logging.getLogger(__name__)


def documents_storage():
    """Documents live in their own storage, outside MEDIA_ROOT: no web server serves them by mistake."""
    return storages["documents"]


def document_upload_to(instance, filename):
    return f"documents/{clean_upload_name(filename)}"


class LibraryDocumentQuerySet(DocumentQuerySet):
    """Bulk writes obey the filing rule too (documents/filing.py): all rows pass, or nothing changes."""

    def update(self, **kwargs):
        if FILING_FIELDS & kwargs.keys():
            filing = Filing()
            groups = set()
            for document in self.only("pk", "collection_id", "kind", "working_group_id"):
                previous = document.collection_id
                for name, value in kwargs.items():
                    if hasattr(value, "resolve_expression"):
                        raise ValueError(
                            "Filing fields of documents are updated with values, not expressions."
                        )
                    setattr(document, name, value)
                filing.check(document, previous_collection_id=previous)
                groups.add(document.working_group_id)
            if (
                {"working_group", "working_group_id"}.isdisjoint(kwargs)
                and len(groups) == 1
                and None not in groups
            ):
                # Moved into a group's collection: its documents are that group's (the rule's fill-in).
                kwargs["working_group_id"] = groups.pop()
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, batch_size=None):
        objs = list(objs)
        if FILING_FIELDS & set(fields):
            filing = Filing()
            stored = dict(
                self.model.objects.filter(pk__in=[o.pk for o in objs]).values_list("pk", "collection_id")
            )
            for document in objs:
                filing.check(document, previous_collection_id=stored.get(document.pk))
        return super().bulk_update(objs, fields, batch_size=batch_size)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        filing = Filing()
        for document in objs:
            filing.check(document)
        return super().bulk_create(objs, *args, **kwargs)


class LibraryDocument(AbstractDocument):
    """A document of the intranet's library: minutes, presentations, reports, resources.

    Set as WAGTAILDOCS_DOCUMENT_MODEL from the first migration, because swapping
    the document model on a live site is a data migration nobody wants.
    """

    file = models.FileField(
        upload_to=document_upload_to, storage=documents_storage, max_length=255, verbose_name=_("fichier")
    )
    original_filename = models.CharField(
        _("nom du fichier envoyé"),
        max_length=255,
        blank=True,
        editable=False,
        help_text=_("Tel que la personne l'a envoyé, avant nettoyage."),
    )
    working_group = models.ForeignKey(
        "workinggroups.WorkingGroupPage",
        verbose_name=_("groupe de travail"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
    )
    kind = models.CharField(
        _("type de document"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.RESOURCE
    )
    meeting_date = models.DateField(_("date de la réunion"), null=True, blank=True)

    objects = LibraryDocumentQuerySet.as_manager()

    admin_form_fields = (*Document.admin_form_fields, "working_group", "kind", "meeting_date")
    search_fields = [
        *AbstractDocument.search_fields,
        index.FilterField("working_group"),
        index.FilterField("kind"),
        index.FilterField("meeting_date"),
    ]

    @property
    def download_name(self):
        """The name a download is saved under: the file's name as it was uploaded, whole (the stored
        file's name is shortened and stripped of spaces and apostrophes by the storage)."""
        if self.original_filename:
            return clean_upload_name(self.original_filename, max_stem=None)
        return self.filename

    def search_result_text(self):
        """What a search result shows under the title (search/ names no field of this model)."""
        return self.original_filename or self.filename

    def search_result_date(self):
        return self.meeting_date or self.created_at

    @classmethod
    def from_db(cls, db, field_names, values):
        document = super().from_db(db, field_names, values)
        # Where it was filed when read: leaving a restriction is judged against this (filing.py).
        document._loaded_collection_id = document.__dict__.get("collection_id")
        return document

    def clean(self):
        # Wagtail checks the extension here too; with no file (refused upstream) it would add a
        # second, empty-named message next to the real one.
        if self.file and self.file.name:
            super().clean()
        if self.collection_id:
            Filing().check(
                self,
                previous_collection_id=getattr(self, "_loaded_collection_id", None),
                released_by=getattr(self, "_released_by", None),
            )

    def save(self, *args, **kwargs):
        """Filed where the rule allows (documents/filing.py), or refused with nothing changed.

        Checked again here against the row as stored (locked), whatever called ``save``.
        """
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and not FILING_FIELDS & set(update_fields):
            return super().save(*args, **kwargs)
        new_file = bool(self.file) and not self.file._committed
        try:
            result = self._save_filed(*args, **kwargs)
        except BaseException:
            if new_file and self.file._committed:  # stored, but its row was not: no file without a row
                try:
                    self.file.storage.delete(self.file.name)
                except OSError:
                    logger.exception("Could not remove %s, whose document was not saved", self.file.name)
            raise
        if new_file:
            orphans.watch(self)  # in case an enclosing transaction rolls back
        return result

    def _save_filed(self, *args, **kwargs):
        with transaction.atomic():
            previous = None
            if self.pk:
                previous = (
                    type(self)
                    .objects.select_for_update()
                    .filter(pk=self.pk)
                    .values_list("collection_id", flat=True)
                    .first()
                )
            Filing().check(
                self, previous_collection_id=previous, released_by=getattr(self, "_released_by", None)
            )
            self._released_by = None
            result = super().save(*args, **kwargs)
        self._loaded_collection_id = self.collection_id
        return result

    class Meta(AbstractDocument.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        permissions = [("choose_document", "Can choose document")]


class MinutesCollection(models.Model):
    """Which collection holds a working group's minutes. Kept outside the page, so no revision changes it."""

    working_group = models.OneToOneField(
        "workinggroups.WorkingGroupPage",
        verbose_name=_("groupe de travail"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="minutes_collection",
    )
    collection = models.OneToOneField(
        "wagtailcore.Collection", on_delete=models.PROTECT, related_name="minutes_of"
    )
    archived = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("collection de procès-verbaux")
        verbose_name_plural = _("collections de procès-verbaux")

    def __str__(self):
        return self.collection.name


class AccessRequestQuerySet(models.QuerySet):
    def active(self, now=None):
        """Granted and not yet expired: what actually opens documents."""
        return self.filter(status=AccessRequest.Status.GRANTED, expires_at__gt=now or timezone.now())

    def pending(self):
        return self.filter(status=AccessRequest.Status.PENDING)

    def decidable_by(self, user):
        """Requests ``user`` may grant or refuse: the board sees all, a facilitator their groups'."""
        if is_board(user):
            return self
        return self.filter(
            working_group__memberships__user=user, working_group__memberships__role=MembershipRole.FACILITATOR
        )


class AccessRequest(models.Model):
    """A member asks to read a group's minutes ("disponibles sur demande"), one document or all of them."""

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente")
        GRANTED = "granted", _("accordée")
        REFUSED = "refused", _("refusée")
        EXPIRED = "expired", _("expirée")
        WITHDRAWN = "withdrawn", _("retirée")

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandeur·se"),
        on_delete=models.CASCADE,
        related_name="access_requests",
    )
    # A request whose group is deleted opens nothing any more (access fails closed).
    working_group = models.ForeignKey(
        "workinggroups.WorkingGroupPage",
        verbose_name=_("groupe de travail"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="access_requests",
    )
    # CASCADE, not SET_NULL: a request for a deleted document must never turn into one for the whole group.
    document = models.ForeignKey(
        settings.WAGTAILDOCS_DOCUMENT_MODEL,
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="access_requests",
        help_text=_("Vide : tous les procès-verbaux du groupe."),
    )
    reason = models.TextField(_("motif de la demande"), max_length=2000)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("demandée le"), default=timezone.now, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("décidée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    expires_at = models.DateTimeField(_("accès jusqu'au"), null=True, blank=True)
    decision_note = models.TextField(_("note de décision"), blank=True)

    objects = AccessRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande d'accès aux procès-verbaux")
        verbose_name_plural = _("demandes d'accès aux procès-verbaux")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["requester", "document"],
                condition=Q(status="pending", document__isnull=False),
                name="one_pending_request_per_document",
            ),
            models.UniqueConstraint(
                fields=["requester", "working_group"],
                condition=Q(status="pending", document__isnull=True),
                name="one_pending_request_per_group",
            ),
        ]

    def __str__(self):
        return gettext("%(who)s : %(what)s") % {"who": self.requester, "what": self.target_label}

    def save(self, *args, **kwargs):
        if self._state.adding:
            self.check_request_limits()
        return super().save(*args, **kwargs)

    def check_request_limits(self):
        """Asking, withdrawing and asking again emails the facilitators and the board each time:
        at most ACCESS_REQUESTS_PER_TARGET requests for the same minutes in ACCESS_REQUEST_WINDOW_DAYS
        days, and ACCESS_REQUESTS_PER_DAY requests a day in all, per person."""
        now = timezone.now()
        mine = AccessRequest.objects.filter(requester_id=self.requester_id)
        same_target = mine.filter(
            working_group_id=self.working_group_id,
            document_id=self.document_id,
            created_at__gte=now - timedelta(days=settings.ACCESS_REQUEST_WINDOW_DAYS),
        )
        asked = same_target.count()
        if asked >= settings.ACCESS_REQUESTS_PER_TARGET:
            raise ValidationError(
                gettext(
                    "Vous avez déjà demandé ces procès-verbaux %(count)d fois ces %(days)d derniers jours : "
                    "une nouvelle demande ne sera possible qu'après. Pour une question, écrivez à "
                    "l'animation du groupe."
                )
                % {"count": asked, "days": settings.ACCESS_REQUEST_WINDOW_DAYS},
                code="too_many_requests",
            )
        if mine.filter(created_at__gte=now - timedelta(days=1)).count() >= settings.ACCESS_REQUESTS_PER_DAY:
            raise ValidationError(
                gettext("Vous avez envoyé %(count)d demandes d'accès aujourd'hui : réessayez demain.")
                % {"count": settings.ACCESS_REQUESTS_PER_DAY},
                code="too_many_requests",
            )

    @property
    def target_label(self):
        if self.document_id:
            return self.document.title
        group = self.working_group.title if self.working_group_id else gettext("(groupe supprimé)")
        return gettext("tous les procès-verbaux du groupe « %(group)s »") % {"group": group}

    @property
    def requester_label(self):
        """What was asked for, as the requester may see it: never the title of a document they cannot open."""
        group = self.working_group.title if self.working_group_id else gettext("(groupe supprimé)")
        if not self.document_id:
            return gettext("tous les procès-verbaux du groupe « %(group)s »") % {"group": group}
        if self.document.meeting_date:
            return gettext("le procès-verbal de la réunion du %(date)s (groupe « %(group)s »)") % {
                "date": human_date(self.document.meeting_date),
                "group": group,
            }
        return gettext("un procès-verbal du groupe « %(group)s »") % {"group": group}

    @property
    def is_active(self):
        return self.status == self.Status.GRANTED and self.expires_at and self.expires_at > timezone.now()

    @property
    def current_status(self):
        """The status a person should see: a grant past its expiry is shown as expired."""
        if self.status == self.Status.GRANTED and self.expires_at and self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status(self.status)

    def grant(self, user, days=None, note=""):
        days = days or settings.ACCESS_GRANT_DAYS
        now = timezone.now()
        self.status, self.decided_by, self.decided_at = self.Status.GRANTED, user, now
        self.expires_at = now + timedelta(days=days)
        self.decision_note = note
        self.save()

    def refuse(self, user, note=""):
        self.status, self.decided_by, self.decided_at = self.Status.REFUSED, user, timezone.now()
        self.expires_at, self.decision_note = None, note
        self.save()


class DownloadLogEntry(models.Model):
    """One served download: who, what, when (and a hash of where from, if configured)."""

    # A log, not content that uses the document: Wagtail's reference index (its "usage"
    # listings) must not get three rows, and three more queries, for every download.
    wagtail_reference_index_ignore = True

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    document = models.ForeignKey(
        settings.WAGTAILDOCS_DOCUMENT_MODEL,
        verbose_name=_("document"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="download_log",
    )
    document_title = models.CharField(_("titre du document"), max_length=255)
    working_group = models.ForeignKey(
        "workinggroups.WorkingGroupPage",
        verbose_name=_("groupe de travail"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    downloaded_at = models.DateTimeField(_("téléchargé le"), default=timezone.now, db_index=True)
    ip_hash = models.CharField(_("adresse (empreinte)"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("téléchargement")
        verbose_name_plural = _("journal des téléchargements")
        ordering = ["-downloaded_at"]

    def __str__(self):
        return f"{self.user} · {self.document_title} · {self.downloaded_at:%Y-%m-%d %H:%M}"
