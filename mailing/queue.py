"""Handing work to the task queue without ever failing the caller."""

from django.conf import settings

from resilience.outages import Outage

from .delivery import deliver_now, waiting
from .tasks import deliver

#: The broker as this process sees it: after a failure, the queue is not tried again for a few
#: seconds (each request would otherwise wait for its connection timeout), and the outage is logged
#: once when it starts, once a minute while it lasts, once when it ends.
BROKER_OUTAGE = Outage("Task queue (broker)", retry_after=5.0)


def enqueue_delivery(pk):
    """Have outbox row ``pk`` delivered: by a worker, or at once in this process when no broker is
    configured (``make run``). Never raises: when the broker cannot be reached, or the mail server
    refuses in this process, the row stays in the outbox for the next try (the sweep), and the
    outage or the refusal is logged. Returns whether it was sent or queued."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        sent = deliver_now(pk) == "sent"
        # No worker and no scheduler here: what an earlier refusal left waiting is tried now, if due.
        for waiting_pk in waiting(overdue_only=False):
            deliver_now(waiting_pk)
        return sent
    if BROKER_OUTAGE.skipping():
        return False
    try:
        deliver.delay(pk)
    except Exception as error:  # any broker failure leaves the email for the sweep
        BROKER_OUTAGE.failed(error)
        return False
    BROKER_OUTAGE.succeeded()
    return True
