"""The outbox's tasks, run by the Celery worker (or in the request's process when no broker is set)."""

from celery import shared_task

from .delivery import MAX_ATTEMPTS, deliver_now, retry_delay, waiting


@shared_task(bind=True, max_retries=MAX_ATTEMPTS, acks_late=True, ignore_result=True)
def deliver(self, pk):
    """Deliver one outbox row; when the mail server refuses, try again later (1, 2, 4 ... minutes)."""
    if deliver_now(pk) == "retry":
        raise self.retry(countdown=retry_delay(self.request.retries + 1))


@shared_task(ignore_result=True)
def sweep():
    """Every minute (Celery beat): queue again what waits in the outbox. Returns how many."""
    pks = waiting()
    for pk in pks:
        deliver.delay(pk)
    return len(pks)
