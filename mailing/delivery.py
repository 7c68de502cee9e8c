"""Delivering one outbox row: claimed, sent through the real mail backend, recorded.

The claim is one conditional UPDATE (due and waiting → sending), so two workers, or a worker and the
sweep, never send the same row twice, and every later update names that claim, so a process that
outlived its claim never overwrites what another recorded. Between the mail server accepting an
email and the row being marked sent there is one statement: a process killed exactly there leaves
the row "sending", and the sweep sends it again after STUCK_AFTER (we prefer an email twice, in that
one instant, to an email lost). A send cannot hang for longer than EMAIL_TIMEOUT, and a task is
stopped after CELERY_TASK_TIME_LIMIT, both well under STUCK_AFTER.

Retries have one clock, the row's: after a refusal, ``next_attempt_at`` is 1, 2, 4 ... minutes later
(at most an hour), and the sweep queues the rows that are due. The content of a sent email is not
kept (a password reset link must not sit in the database and its backups).
"""

import contextlib
import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db.models import F, Q
from django.utils import timezone

from .models import OutgoingEmail

logger = logging.getLogger(__name__)

S = OutgoingEmail.Status
#: Attempts before an email is given up on (logged as an error, kept in the outbox to be seen).
MAX_ATTEMPTS = 8
#: A row "sending" for longer than this was claimed by a process that died: it is tried again.
STUCK_AFTER = timedelta(seconds=settings.MAILING_STUCK_AFTER_SECONDS)
#: A due row is left this long to the task that was queued for it before the sweep queues another.
SWEEP_AFTER = timedelta(seconds=settings.MAILING_SWEEP_AFTER_SECONDS)
#: An email waiting longer than this means the queue is not working (no worker, or the mail server
#: refuses): /healthz then says "degraded", as it does for an email given up on in the last day.
LATE_AFTER = timedelta(minutes=15)


def retry_delay(attempts):
    """Seconds before the next attempt after ``attempts`` refusals: 1, 2, 4 ... minutes, at most an hour."""
    return min(60 * 2 ** max(attempts - 1, 0), 3600)


def deliver_now(pk, now=None):
    """Send row ``pk`` if it is waiting and due. Returns "sent", "gone" (not due, sent, being sent or
    given up), "retry" or "failed" (given up after MAX_ATTEMPTS)."""
    return deliver_many([pk], now)[pk]


def deliver_many(pks, now=None):
    """Send the rows of ``pks`` that are waiting and due, in turn, over one connection to the mail
    server: for a run that writes hundreds of emails (a batch of digests), instead of a task, three
    queries and a new SMTP conversation each. The rows are claimed together (one conditional
    update, as for one), then each is sent and recorded on its own, so the window where an email may
    go twice stays one statement an email. A refusal stops the run: the rows not tried yet are
    released, waiting and due, and the sweep queues them (one task each) after SWEEP_AFTER, so a
    mail server that is down costs one attempt, not one a row. A process that dies leaves the rows
    it had not sent "sending": the sweep sends them after STUCK_AFTER. Returns ``{pk: outcome}``
    (``deliver_now``'s)."""
    now = now or timezone.now()
    outcomes = dict.fromkeys(pks, "gone")
    OutgoingEmail.objects.filter(pk__in=pks, status=S.PENDING, next_attempt_at__lte=now).update(
        status=S.SENDING, claimed_at=now
    )
    mine = OutgoingEmail.objects.filter(status=S.SENDING, claimed_at=now)
    rows = list(mine.filter(pk__in=pks).order_by("pk"))
    connection = None
    try:
        for index, row in enumerate(rows):
            if connection is None:
                connection = get_connection(settings.MAILING_DELIVERY_BACKEND, fail_silently=False)
            outcomes[row.pk] = _send(row, connection, mine.filter(pk=row.pk))
            if outcomes[row.pk] != "sent":
                mine.filter(pk__in=[rest.pk for rest in rows[index + 1 :]]).update(
                    status=S.PENDING, claimed_at=None
                )
                break
    finally:
        if connection is not None:
            with contextlib.suppress(Exception):  # a conversation already broken has nothing to close
                connection.close()
    return outcomes


def _send(row, connection, mine):
    """Send a claimed row over ``connection`` (opened on first use, then kept open) and record the
    outcome and the attempt through ``mine``, the row as long as the claim is this process's."""
    attempts = row.attempts + 1
    try:
        connection.open()
        row.to_message(connection).send()
    except Exception as error:  # whatever the mail server says, the row keeps it
        given_up = attempts >= MAX_ATTEMPTS
        mine.update(
            status=S.FAILED if given_up else S.PENDING,
            attempts=attempts,
            next_attempt_at=timezone.now() + timedelta(seconds=retry_delay(attempts)),
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        log = logger.error if given_up else logger.warning
        log("Email %s not sent (attempt %s of %s): %s", row.pk, attempts, MAX_ATTEMPTS, type(error).__name__)
        return "failed" if given_up else "retry"
    mine.update(status=S.SENT, attempts=attempts, sent_at=timezone.now(), last_error="", message={})
    return "sent"


def waiting(now=None, overdue_only=True):
    """Rows the sweep queues (and stamps as queued): due rows whose task is lost or overdue (or every
    due row, ``overdue_only`` False), and rows a dead process left "sending" for STUCK_AFTER."""
    now = now or timezone.now()
    # A dead worker's claim is no refusal by the mail server: tried again at once.
    OutgoingEmail.objects.filter(status=S.SENDING, claimed_at__lt=now - STUCK_AFTER).update(
        status=S.PENDING, claimed_at=None, next_attempt_at=now, queued_at=now - SWEEP_AFTER
    )
    due = OutgoingEmail.objects.filter(status=S.PENDING, next_attempt_at__lte=now)
    if overdue_only:
        due = due.filter(Q(queued_at__lte=now - SWEEP_AFTER) | Q(queued_at__lt=F("next_attempt_at")))
    pks = list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:1000])
    OutgoingEmail.objects.filter(pk__in=pks).update(queued_at=now)
    return pks


def emails_are_late(now=None):
    """Whether an email has waited longer than LATE_AFTER, or was given up on in the last day."""
    now = now or timezone.now()
    late = Q(status=S.PENDING, created_at__lt=now - LATE_AFTER)
    given_up = Q(status=S.FAILED, created_at__gte=now - timedelta(days=1))
    return OutgoingEmail.objects.filter(late | given_up).exists()


def retry_failed():
    """Give every email given up on its chances again (``manage.py outbox --retry-failed``)."""
    now = timezone.now()
    return OutgoingEmail.objects.filter(status=S.FAILED).update(
        status=S.PENDING, attempts=0, next_attempt_at=now, queued_at=now - SWEEP_AFTER
    )
