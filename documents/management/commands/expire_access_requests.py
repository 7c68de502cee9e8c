from django.core.management.base import BaseCommand
from django.utils import timezone

from documents.models import AccessRequest


class Command(BaseCommand):
    help = (
        "Mark granted access requests past their expiry as expired. Access already stops at expiry "
        "without this; it keeps the listings' status current. Run it daily (cron)."
    )

    def handle(self, *args, **options):
        count = AccessRequest.objects.filter(
            status=AccessRequest.Status.GRANTED, expires_at__lte=timezone.now()
        ).update(status=AccessRequest.Status.EXPIRED)
        self.stdout.write(self.style.SUCCESS(f"{count} demande(s) d'accès expirée(s)."))
