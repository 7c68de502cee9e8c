"""``manage.py notifications``: what waits to be announced or emailed, and doing it now.

manage.py notifications                   # events not yet announced, notifications not yet emailed
manage.py notifications --sweep           # announce, email at once what waits (beat: every minute)
manage.py notifications --digest daily    # send today's daily digests now (weekly: this week's)

Without a worker and its scheduler (``make run``, or an install with no broker), digests are sent
only when this command asks: run ``--digest daily`` from cron every morning there. Running it again
the same day sends nothing twice (one delivery per person and period).
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db.models import Count

from notifications import delivery
from notifications.choices import DIGESTS, Frequency
from notifications.models import Event, Notification
from notifications.tasks import queue_batch


class Command(BaseCommand):
    help = "Events and notifications waiting, the sweep and the digests, now."

    def add_arguments(self, parser):
        parser.add_argument("--sweep", action="store_true", help="announce and email at once what waits")
        parser.add_argument(
            "--digest", choices=[str(frequency) for frequency in DIGESTS], help="send digests now"
        )

    def handle(self, *args, sweep=False, digest=None, **options):
        waiting = Event.objects.filter(announced_at=None).count()
        unread = Notification.objects.filter(read_at=None).count()
        by_kind = dict(Notification.objects.filter(delivery=None).values_list("kind").annotate(n=Count("pk")))
        self.stdout.write(
            f"Événements à annoncer : {waiting}. Notifications non lues : {unread}. "
            f"Pas encore envoyées par email : {sum(by_kind.values())}."
        )
        if sweep:
            delivery.sweep()
            self.stdout.write("Reprise faite.")
        if digest:
            people = delivery.send_digests(Frequency(digest), queue_batch=queue_batch)
            self.stdout.write(
                f"Résumés « {Frequency(digest).label} » : {people} personnes, "
                f"par lots de {settings.DIGEST_BATCH}."
            )
