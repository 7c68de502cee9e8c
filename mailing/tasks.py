"""The outbox's tasks, run by the Celery worker (or in the request's process when no broker is set)."""

from celery import shared_task

from .delivery import deliver_now, waiting


@shared_task(acks_late=True, ignore_result=True)
def deliver(pk):
    """Deliver one outbox row. A refusal sets the row's next attempt; the sweep queues it then."""
    deliver_now(pk)


@shared_task(ignore_result=True)
def sweep():
    """Every minute (Celery beat): queue what waits in the outbox and is due. Returns how many."""
    pks = waiting()
    for pk in pks:
        deliver.delay(pk)
    return len(pks)
