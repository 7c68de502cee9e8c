"""From an event to people: notifications, emails at once, and digests. Never twice, never lost.

* ``announce(event)``, a task queued when the event's transaction commits: writes a notification for
  each person who follows it (or whom it answers) **and may see it now**, then emails those who want
  it at once. A crash in between is mended by ``sweep`` (every minute): an event not yet announced is
  announced, an at-once email not yet written is written.
* ``send_digests(frequency)``, Celery beat, daily at 07:00 and on Mondays: one email per person with
  what they have not been emailed about yet, checked again against what they may see now, written
  by one task per DIGEST_BATCH people (``send_digest_batch``) so that every worker process takes part.

Every email is a ``Delivery`` row (person and period: "event:<id>", "daily:<date>", "weekly:<week>")
written in one transaction with the email in the outbox and the notifications it covers; the
constraint on (person, period) makes a task run twice, or run again after a crash, send nothing twice.
"""

import logging
from datetime import datetime, timedelta
from itertools import islice

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from languages.i18n import language_for
from mailing.queue import delivered_together
from workinggroups.models import WorkingGroupMembership

from .audience import Audience, pages_as_they_are
from .choices import CHOSEN_KINDS, Frequency, Kind
from .emails import digest_email, event_email
from .follows import followers
from .items import describe
from .models import Delivery, Event, Notification
from .preferences import with_frequency

logger = logging.getLogger(__name__)

BATCH = 500
#: How far back a digest looks for what it has not sent yet: long enough that a worker or a broker
#: down for days loses nothing (what a digest sent is marked, so never sent again), short enough that
#: a person who just switched from "never" is not sent months of news.
DIGEST_WINDOW = {Frequency.DAILY: timedelta(days=8), Frequency.WEEKLY: timedelta(days=15)}
#: What the sweep mends: events and at-once emails older than this (younger ones have a task on the way).
SWEEP_AFTER = timedelta(minutes=1)


def _chunks(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def candidates(event):
    """Who would hear of ``event`` if they may see it: its page's followers; for minutes, the members
    of the group who follow it (minutes added to *your own* group); or the person answered. Never
    whoever did it: the author of a published page, nor whoever published it."""
    User = get_user_model()
    if event.recipient_id is not None:
        people = User.objects.filter(pk=event.recipient_id)
    elif event.kind == Kind.MINUTES:
        group = event.page
        members = WorkingGroupMembership.objects.filter(page_id=event.page_id).values("user_id")
        people = followers(group).filter(pk__in=members) if group is not None else User.objects.none()
    elif event.page is not None:
        people = followers(event.page)
    else:
        people = User.objects.none()
    if event.recipient_id is None:
        acted = {event.actor_id, (event.data or {}).get("author")} - {None}
        people = people.exclude(pk__in=acted)
    return people.filter(is_active=True)


def announce(event_pk):
    """Notify the people who may see the event now; email those who want it at once. Idempotent."""
    with transaction.atomic():
        event = (
            Event.objects.select_for_update(of=("self",))
            .select_related("document__collection", "access_request", "decision_change")
            .filter(pk=event_pk, announced_at=None)
            .first()
        )
        if event is None:
            return 0
        pages_as_they_are([event])
        written = 0
        for users in _chunks(candidates(event).order_by("pk").iterator(), BATCH):
            audience = Audience(users)
            rows = [
                Notification(user=user, event=event, kind=event.kind, created_at=event.created_at)
                for user in users
                if audience.may_see(user, event)
            ]
            written += len(Notification.objects.bulk_create(rows, ignore_conflicts=True))
        event.announced_at = timezone.now()
        event.save(update_fields=["announced_at"])
    email_at_once(event)
    return written


def email_at_once(event):
    """Email the event to those of its people who want this kind at once (and have no email for it)."""
    waiting = with_frequency(
        Notification.objects.filter(event=event, delivery=None, kind__in=CHOSEN_KINDS)
    ).filter(frequency=Frequency.IMMEDIATE)
    sent = 0
    for notifications in _chunks(waiting.select_related("user__wagtail_userprofile").iterator(), BATCH):
        users = [notification.user for notification in notifications]
        pages_as_they_are([event])
        audience = Audience(users)
        for notification in notifications:
            user = notification.user
            if user.email and audience.may_see(user, event):
                sent += _deliver(user, f"event:{event.pk}", [notification], event=event)
    return sent


def period_key(frequency, now=None):
    local = timezone.localtime(now or timezone.now())
    if frequency == Frequency.WEEKLY:
        year, week, _day = local.isocalendar()
        return f"weekly:{year}-W{week:02d}"
    return f"daily:{local.date().isoformat()}"


def digests_due(frequency, now):
    """The notifications a digest of ``frequency`` at ``now`` would tell: undelivered, of the
    window, to active people with an email who want this frequency for the kind."""
    return with_frequency(
        Notification.objects.filter(
            delivery=None,
            kind__in=CHOSEN_KINDS,
            created_at__lte=now,
            created_at__gte=now - DIGEST_WINDOW[frequency],
            user__is_active=True,
        ).exclude(user__email="")
    ).filter(frequency=frequency)


def send_digests(frequency, now=None, queue_batch=None):
    """Queue one task per DIGEST_BATCH people wanting ``frequency`` with something new, who have no
    digest for this period yet. Returns how many people were queued.

    One task per batch, not one for everyone: at the cooperative's size (35,000 people) a single task
    would outlive the task time limit, use one worker process of several, and lose everything it had
    not written when its worker dies. A batch is small enough to finish well within the limit, and
    the batches of one run share its ``now``, so that a batch run late (after a worker restarted)
    writes the same period and looks at the same window. Run again for the same period (a retried
    task, a worker restarted), it queues only the people still missing; a batch run twice, or two
    batches naming the same person, write one digest (``_deliver``). A batch the broker refused (it is
    logged) is written by the next run, whose window covers what it missed.

    ``queue_batch(frequency, now, user_ids)`` queues a batch (tasks.py passes its task); without it,
    each batch is written here, in turn."""
    frequency = Frequency(frequency)
    now = now or timezone.now()
    done = Delivery.objects.filter(period=period_key(frequency, now)).values("user_id")
    people = list(
        digests_due(frequency, now)
        .exclude(user_id__in=done)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )
    for batch in _chunks(people, settings.DIGEST_BATCH):
        (queue_batch or send_digest_batch)(str(frequency), now.isoformat(), batch)
    return len(people)


def send_digest_batch(frequency, now, user_ids):
    """The digests of ``user_ids`` for ``frequency`` at ``now`` (an ISO date and time, the run's), in
    a fixed number of queries plus a few per digest, then their emails, sent by this task over one
    connection (mailing.queue.delivered_together) rather than by a task each queued behind the run's
    other batches. Returns how many were written."""
    frequency = Frequency(frequency)
    now = datetime.fromisoformat(now)
    period = period_key(frequency, now)
    User = get_user_model()
    users = list(User.objects.filter(pk__in=user_ids).order_by("pk").select_related("wagtail_userprofile"))
    notifications = list(
        digests_due(frequency, now)
        .filter(user_id__in=user_ids)
        .select_related("event__document__collection", "event__access_request", "event__decision_change")
        .order_by("user_id", "created_at", "pk")
    )
    events = {notification.event_id: notification.event for notification in notifications}
    pages_as_they_are(events.values())
    for notification in notifications:
        notification.event = events[notification.event_id]
    audience = Audience(users)
    by_user = {}
    for notification in notifications:
        by_user.setdefault(notification.user_id, []).append(notification)
    described = {}
    written = 0
    with delivered_together():  # the batch's emails sent by this task once written, over one connection
        for user in users:
            mine = [item for item in by_user.get(user.pk, ()) if audience.may_see(user, item.event)]
            if mine:
                written += _deliver(user, period, mine, frequency=frequency, described=described)
    return written


def _deliver(user, period, notifications, event=None, frequency=None, described=None):
    """Write the delivery, the email (into the outbox) and the notifications' link in one transaction;
    nothing when this person already has this period's email. ``described``: what the caller's
    earlier emails read already (each event described once per language; the events' pages come
    with their group's title from ``pages_as_they_are``)."""
    described = {} if described is None else described
    language = language_for(user)
    try:
        with transaction.atomic():
            delivery = Delivery.objects.create(
                user=user, period=period, event=event, items=len(notifications)
            )
            Notification.objects.filter(pk__in=[item.pk for item in notifications]).update(delivery=delivery)
            with translation.override(language):
                items = []
                for notification in notifications:
                    key = (notification.event_id, language)
                    if key not in described:
                        described[key] = describe(notification.event)
                    items.append(described[key])
                if event is not None:
                    message = event_email(user, event, items[0])
                else:
                    message = digest_email(user, frequency, items)
            message.send()
    except IntegrityError:  # another run wrote it first: this period's email exists
        return 0
    return 1


def sweep(now=None):
    """Every minute: announce what was not announced, email at once what was not emailed."""
    now = now or timezone.now()
    late = now - SWEEP_AFTER
    for pk in Event.objects.filter(announced_at=None, created_at__lte=late).values_list("pk", flat=True)[
        :1000
    ]:
        announce(pk)
    waiting = (
        with_frequency(
            Notification.objects.filter(
                delivery=None,
                kind__in=CHOSEN_KINDS,
                created_at__lte=late,
                created_at__gte=now - timedelta(days=1),
                user__is_active=True,
            ).exclude(user__email="")  # nobody to email: not worth a look every minute
        )
        .filter(frequency=Frequency.IMMEDIATE)
        .order_by()  # the model's ordering would make DISTINCT count rows, not events
        .values_list("event_id", flat=True)
        .distinct()
    )
    for event in Event.objects.filter(pk__in=list(waiting[:1000])).select_related(
        "document__collection", "access_request", "decision_change"
    ):
        email_at_once(event)
