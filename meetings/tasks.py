"""The meetings' tasks, run by the Celery worker (or in-process when no broker is set): the reminders.

The day before a meeting, whoever answered that they would come, or might, gets a reminder with the
meeting's .ics again (invitations.reminder_email). Each reminder is named in the outbox by meeting,
person and start (``meeting-reminder:<pk>:<user pk>:<start in UTC>``): the same start is never
reminded twice, however often the task runs, and a meeting moved to another time is reminded again.
"""

import datetime

from celery import shared_task
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation

from languages.i18n import language_for
from mailing.backends import send_once
from mailing.models import OutgoingEmail
from workinggroups.models import WorkingGroupMembership

from .choices import REMINDED, Status
from .invitations import email_key, reminder_email
from .models import Answer

#: How long before a meeting its reminder is sent (the hourly task: between 23 and 24 hours before).
AHEAD = datetime.timedelta(hours=24)


@shared_task(acks_late=True, ignore_result=True)
def send_reminders():
    """Celery beat, every hour (CELERY_BEAT_SCHEDULE["meeting-reminders"]). Safe to run again."""
    return remind()


def reminder_key(meeting, user):
    start = meeting.start.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%S")
    return email_key("meeting-reminder", meeting.pk, user.pk, start)


def remind(now=None):
    """Write the reminders of the meetings that start within ``AHEAD`` (not cancelled) to the people
    who answered yes or maybe, are still in the group and have an email address, each in their
    language. Returns the number of emails written."""
    now = now or timezone.now()
    still_member = WorkingGroupMembership.objects.filter(
        page_id=OuterRef("meeting__group_id"), user_id=OuterRef("user_id")
    )
    answers = list(
        Answer.objects.filter(
            meeting__start__gt=now,
            meeting__start__lte=now + AHEAD,
            response__in=REMINDED,
            user__is_active=True,
        )
        .exclude(meeting__status=Status.CANCELLED)
        .exclude(user__email="")
        .filter(Exists(still_member))
        .select_related("meeting__group", "user__wagtail_userprofile")
        .order_by("meeting__start", "meeting_id", "user_id")
    )
    keys = {answer.pk: reminder_key(answer.meeting, answer.user) for answer in answers}
    sent = set(OutgoingEmail.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    written = 0
    for answer in answers:
        if keys[answer.pk] in sent:
            continue
        with translation.override(language_for(answer.user)):
            message = reminder_email(answer.meeting, answer.user, answer.response)
        with transaction.atomic():  # each reminder committed alone, and delivered once it is
            written += send_once(message, keys[answer.pk])
    return written
