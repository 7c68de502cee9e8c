"""Gunicorn, the production app server: ``gunicorn -c intranet/gunicorn.conf.py intranet.wsgi``.

Every value can be changed from the environment. ``make serve`` runs it locally.
"""

import gc
import multiprocessing
import os

wsgi_app = "intranet.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")

# Sync workers: pages are CPU-bound rendering plus short database queries, and the reverse
# proxy buffers slow clients. The usual 2 * cores + 1 keeps each core busy while another
# worker waits on PostgreSQL.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5  # behind nginx, which keeps connections to the app servers open

# Load the application once in the master, then fork: workers share its memory pages.
# Django opens no database connection at import time, so none is shared between workers.
preload_app = True
# A worker is replaced after this many requests, which bounds any slow growth of memory.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# Heartbeat files in memory, not on a disk that may stall (gunicorn creates them with mkstemp).
SHARED_MEMORY = "/dev/shm"  # noqa: S108
worker_tmp_dir = SHARED_MEMORY if os.path.isdir(SHARED_MEMORY) else None

# Only the local reverse proxy may say the request came over HTTPS (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Access logs are the reverse proxy's job; errors go to stderr with the app's JSON logs.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
proc_name = "intranet"


def pre_fork(server, worker):
    """Freeze what the master loaded (Django, Wagtail, the project) before each fork.

    The garbage collector then never walks those objects again: no 50 to 100 ms pauses in
    the middle of a request when a full collection runs, and the memory pages they sit on stay
    shared between the workers instead of being copied when the collector touches them.
    """
    gc.freeze()
