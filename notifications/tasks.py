"""The notifications' tasks, run by the Celery worker (or in-process when no broker is set)."""

from celery import shared_task

from mailing.queue import run_task

from . import delivery


@shared_task(acks_late=True, ignore_result=True)
def announce_event(pk):
    delivery.announce(pk)


@shared_task(acks_late=True, ignore_result=True)
def send_digests(frequency):
    """Celery beat: "daily" every morning, "weekly" on Mondays: queues the batches below. Safe to run
    again (delivery.py)."""
    return delivery.send_digests(frequency, queue_batch=queue_batch)


def queue_batch(*args):
    """A batch of a digest run, on the task queue (in-process without a broker: mailing.queue)."""
    return run_task(send_digest_batch, *args)


@shared_task(acks_late=True, ignore_result=True)
def send_digest_batch(frequency, now, user_ids):
    """The digests of a batch of people (delivery.send_digests). Safe to run again."""
    return delivery.send_digest_batch(frequency, now, user_ids)


@shared_task(ignore_result=True)
def sweep():
    delivery.sweep()
