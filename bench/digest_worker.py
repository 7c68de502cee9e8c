"""The intranet's Celery app, counting the SQL queries of every task it runs (the digest benchmark only).

    celery -A bench.digest_worker worker ...

Each worker process counts the queries Django sends to the database (``connection.execute_wrapper``'s
hook, installed when the process starts, so nothing a task does escapes it: savepoints included,
only the connection's own BEGIN and COMMIT left out), and adds them after each task to two hashes in
the benchmark's Redis (``BENCH_COUNTS_URL``), by task name: ``bench:queries`` and ``bench:tasks``.
"""

import os

import redis
from celery.signals import task_postrun, worker_process_init, worker_ready

from intranet.celery import app

__all__ = ["app"]

_queries = 0
_counts = None


def _count(execute, sql, params, many, context):
    global _queries
    _queries += 1
    return execute(sql, params, many, context)


@worker_process_init.connect
def _install(**kwargs):
    """In each worker process, after the fork: count every query of its database connection."""
    global _counts
    from django.db import connection

    connection.execute_wrappers.append(_count)
    _counts = redis.Redis.from_url(os.environ["BENCH_COUNTS_URL"])


@task_postrun.connect
def _report(sender=None, **kwargs):
    global _queries
    _counts.hincrby("bench:queries", sender.name, _queries)
    _counts.hincrby("bench:tasks", sender.name, 1)
    _queries = 0


@worker_ready.connect
def _ready(**kwargs):
    redis.Redis.from_url(os.environ["BENCH_COUNTS_URL"]).set("bench:ready", 1)
