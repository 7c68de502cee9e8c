# The Celery application is loaded with Django, so that the apps' @shared_task use it.
from .celery import app as celery_app

__all__ = ["celery_app"]
