"""Handing work to the task queue without ever failing the caller."""

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

from resilience.outages import Outage

from .delivery import deliver_many as deliver_rows
from .delivery import deliver_now, waiting
from .tasks import deliver

logger = logging.getLogger(__name__)

#: The broker as this process sees it: after a failure, the queue is not tried again for a few
#: seconds (each request would otherwise wait for its connection timeout), and the outage is logged
#: once when it starts, once a minute while it lasts, once when it ends.
BROKER_OUTAGE = Outage("Task queue (broker)", retry_after=5.0)


def run_task(task, *args):
    """Run ``task`` on a worker, or here when no broker is configured (``make run``). Never raises:
    when the broker cannot be reached, or the task fails in this process, it is logged and the
    caller's periodic sweep does the work later (nothing is lost). Returns whether it ran or was queued."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        try:
            task(*args)
        except Exception:  # in-process: the request that asked must not fail for it
            logger.exception("Task %s%r failed; its sweep will do it again", task.name, args)
            return False
        return True
    if BROKER_OUTAGE.skipping():
        return False
    try:
        task.delay(*args)
    except Exception as error:  # any broker failure leaves the work to the sweep
        BROKER_OUTAGE.failed(error)
        return False
    BROKER_OUTAGE.succeeded()
    return True


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


#: While set (``delivered_together``), the outbox adds the rows it commits here instead of queueing each.
TOGETHER = ContextVar("mailing_delivered_together", default=None)


@contextmanager
def delivered_together():
    """Emails written inside the block are delivered when it ends, in this process, in turn over one
    connection to the mail server, instead of a task and an SMTP conversation each: for a task that
    writes hundreds of emails (a batch of digests), which then sends them itself before the sweep
    would think them lost (SWEEP_AFTER). Never in a request, which would wait for the mail server.

    Only emails whose transaction committed are sent; what is not sent when the block ends (the
    process died, the mail server refused one and the rest were left) waits in the outbox, and the
    sweep sends it. Never raises for the emails: a failure is logged and left to the sweep."""
    pks = []
    token = TOGETHER.set(pks)
    try:
        yield
    finally:
        TOGETHER.reset(token)
        if pks:
            try:
                deliver_rows(pks)
            except Exception:  # the database failed under us: the rows wait for the sweep
                logger.exception("Delivering %s emails together failed; the sweep will send them", len(pks))
