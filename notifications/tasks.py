"""The notifications' tasks, run by the Celery worker (or in-process when no broker is set)."""

from celery import shared_task

from . import delivery


@shared_task(acks_late=True, ignore_result=True)
def announce_event(pk):
    delivery.announce(pk)


@shared_task(acks_late=True, ignore_result=True)
def send_digests(frequency):
    """Celery beat: "daily" every morning, "weekly" on Mondays. Safe to run again (delivery.py)."""
    return delivery.send_digests(frequency)


@shared_task(ignore_result=True)
def sweep():
    delivery.sweep()
