"""Delivering one outbox row: claimed, sent through the real mail backend, recorded.

The claim is one conditional UPDATE (pending → sending), so two workers, or a worker and the sweep,
never send the same row twice. Between the mail server accepting an email and the row being marked
sent there is one statement: a process killed exactly there leaves the row "sending", and the sweep
sends it again after STUCK_AFTER (we prefer an email twice, in that one instant, to an email lost).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db.models import F
from django.utils import timezone

from .models import OutgoingEmail

logger = logging.getLogger(__name__)

S = OutgoingEmail.Status
#: Attempts before an email is given up on (logged as an error, kept in the outbox to be seen).
MAX_ATTEMPTS = 8
#: A row "sending" for longer than this was claimed by a process that died: it is tried again.
STUCK_AFTER = timedelta(seconds=settings.MAILING_STUCK_AFTER_SECONDS)
#: A pending row is left this long to the task that was queued for it before the sweep queues another.
SWEEP_AFTER = timedelta(seconds=settings.MAILING_SWEEP_AFTER_SECONDS)


def retry_delay(attempts):
    """Seconds before the next attempt: 1, 2, 4 ... minutes, at most an hour."""
    return min(60 * 2 ** max(attempts - 1, 0), 3600)


def deliver_now(pk):
    """Send row ``pk`` if it is still waiting. Returns "sent", "gone" (sent, being sent or given up),
    "retry" or "failed" (given up after MAX_ATTEMPTS)."""
    now = timezone.now()
    claimed = OutgoingEmail.objects.filter(pk=pk, status=S.PENDING).update(
        status=S.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return "gone"
    row = OutgoingEmail.objects.get(pk=pk)
    try:
        connection = get_connection(settings.MAILING_DELIVERY_BACKEND, fail_silently=False)
        row.to_message(connection).send()
    except Exception as error:  # whatever the mail server says, the row keeps it
        given_up = row.attempts >= MAX_ATTEMPTS
        OutgoingEmail.objects.filter(pk=pk).update(
            status=S.FAILED if given_up else S.PENDING, last_error=f"{type(error).__name__}: {error}"[:2000]
        )
        log = logger.error if given_up else logger.warning
        log("Email %s to %s not sent (attempt %s): %s", pk, row.to, row.attempts, error)
        return "failed" if given_up else "retry"
    OutgoingEmail.objects.filter(pk=pk).update(status=S.SENT, sent_at=timezone.now(), last_error="")
    return "sent"


def waiting(now=None):
    """Rows the sweep hands to the queue again: pending for a while (their task was lost with a broker
    outage, or is waiting for its retry time), and rows a dead process left "sending"."""
    now = now or timezone.now()
    # A dead worker's claim is no refusal by the mail server: tried again at once, not after a delay.
    OutgoingEmail.objects.filter(status=S.SENDING, claimed_at__lt=now - STUCK_AFTER).update(
        status=S.PENDING, claimed_at=None
    )
    rows = OutgoingEmail.objects.filter(status=S.PENDING, created_at__lt=now - SWEEP_AFTER).values_list(
        "pk", "attempts", "claimed_at"
    )
    return [
        pk
        for pk, attempts, claimed_at in rows.order_by("created_at")[:1000]
        if claimed_at is None or claimed_at < now - timedelta(seconds=retry_delay(attempts))
    ]


#: An email waiting longer than this means the queue is not working (no worker, or the mail server
#: refuses): /healthz then says "degraded".
LATE_AFTER = timedelta(minutes=15)


def emails_are_late(now=None):
    """Whether an email has waited in the outbox longer than LATE_AFTER (one indexed query)."""
    now = now or timezone.now()
    return OutgoingEmail.objects.filter(status=S.PENDING, created_at__lt=now - LATE_AFTER).exists()
