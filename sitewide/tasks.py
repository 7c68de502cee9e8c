"""Slow work of the member pages, run by the Celery worker (sitewide/prepared_downloads.py)."""

from celery import shared_task

from . import prepared_downloads


@shared_task(acks_late=True, ignore_result=True)
def prepare_download(user_id, path, query, host, language, asked_key=None):
    prepared_downloads.make(user_id, path, query, host, language, asked_key)
