"""The Celery application: the task queue that sends the intranet's emails and runs its slow work.

``make worker`` starts a worker and its scheduler (Celery beat) the production way; with no broker
configured (``CELERY_BROKER_URL``), tasks run in the process that asks for them
(``CELERY_TASK_ALWAYS_EAGER``), so ``make run`` needs nothing more. docs/operations.md, "Emails and
the task queue", says how to run and watch it.
"""

import os

from celery import Celery

# As the WSGI application: a worker started without DJANGO_SETTINGS_MODULE must not deliver with the
# development settings (their mail backend prints to the console).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings.production")

app = Celery("intranet")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
