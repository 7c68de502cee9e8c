"""``manage.py meetings``: the meetings to come, and their reminders now.

manage.py meetings               # how many meetings are planned, and how many in the next 24 hours
manage.py meetings --reminders   # write the reminders of the next 24 hours (beat: every hour)

Without a worker and its scheduler (``make run``, or an install with no broker), reminders are sent
only when this command asks: run ``--reminders`` from cron every hour there. Running it again sends
nothing twice (one reminder per person and start).
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from meetings.choices import Status
from meetings.models import Meeting
from meetings.tasks import AHEAD, remind


class Command(BaseCommand):
    help = "The meetings to come, and their reminders now."

    def add_arguments(self, parser):
        parser.add_argument("--reminders", action="store_true", help="write the next 24 hours' reminders")

    def handle(self, *args, reminders=False, **options):
        now = timezone.now()
        coming = Meeting.objects.filter(start__gt=now).exclude(status=Status.CANCELLED)
        soon = coming.filter(start__lte=now + AHEAD).count()
        self.stdout.write(f"Réunions à venir : {coming.count()}, dont {soon} dans les 24 heures.")
        if reminders:
            self.stdout.write(f"Rappels écrits : {remind(now)}.")
