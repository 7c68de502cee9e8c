"""The Celery application: the task queue that sends the intranet's emails and runs its slow work.

``make worker`` starts a worker and its scheduler (Celery beat) the production way; with no broker
configured (``CELERY_BROKER_URL``), tasks run in the process that asks for them
(``CELERY_TASK_ALWAYS_EAGER``), so ``make run`` needs nothing more. docs/operations.md, "Emails and
the task queue", says how to run and watch it.
"""

import gc
import os

from celery import Celery
from celery.signals import worker_process_init

# As the WSGI application: a worker started without DJANGO_SETTINGS_MODULE must not deliver with the
# development settings (their mail backend prints to the console).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings.production")

app = Celery("intranet")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _keep_shared_memory_shared(**kwargs):
    """Each worker process, forked from the main one with Django and every app already imported,
    shares those pages with it until it writes to them. The garbage collector's passes over the
    objects inherited would write to (and so copy) nearly all of them: frozen, they are left alone.
    Measured with the digest benchmark (docs/performance.md, "The weekly digest")."""
    gc.freeze()
