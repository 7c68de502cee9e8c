"""``manage.py outbox``: how the intranet's emails and background work run here, and what waits.

manage.py outbox            # where tasks run, and the outbox's rows by state
manage.py outbox --sweep    # queue again (or, with no broker, send now) what waits
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db.models import Count, Min
from django.utils import timezone
from kombu.utils.url import maybe_sanitize_url

from mailing import delivery
from mailing.models import OutgoingEmail
from mailing.queue import enqueue_delivery


def without_password(url):
    return maybe_sanitize_url(url)


class Command(BaseCommand):
    help = "Where the background work runs, and the emails waiting in the outbox."

    def add_arguments(self, parser):
        parser.add_argument("--sweep", action="store_true", help="queue again (or send now) what waits")
        parser.add_argument(
            "--retry-failed", action="store_true", help="give the emails given up on another go"
        )

    def handle(self, *args, sweep=False, retry_failed=False, **options):
        if settings.CELERY_TASK_ALWAYS_EAGER:
            self.stdout.write(
                "Travail en arrière-plan (emails) : dans le processus qui le demande, sans worker. "
                "En production : CELERY_BROKER_URL et `make worker`."
            )
        else:
            broker = without_password(settings.CELERY_BROKER_URL)
            self.stdout.write(f"Travail en arrière-plan (emails) : Celery, broker {broker}.")
        counts = dict(OutgoingEmail.objects.values_list("status").annotate(n=Count("pk")))
        oldest = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING).aggregate(
            at=Min("created_at")
        )
        summary = ", ".join(
            f"{label} : {counts.get(value, 0)}" for value, label in OutgoingEmail.Status.choices
        )
        self.stdout.write(f"Emails sortants : {summary}.")
        if oldest["at"]:
            minutes = (timezone.now() - oldest["at"]).total_seconds() / 60
            self.stdout.write(f"Le plus ancien email en attente date de {minutes:.0f} minutes.")
        if retry_failed:
            self.stdout.write(f"Emails abandonnés remis en attente : {delivery.retry_failed()}.")
        if sweep or retry_failed:
            pks = delivery.waiting(overdue_only=False)
            handed = sum(1 for pk in pks if enqueue_delivery(pk))
            self.stdout.write(f"Reprise : {len(pks)} en attente, {handed} envoyés ou confiés au worker.")
