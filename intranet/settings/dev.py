"""Development on a laptop: debug on, console email, a throwaway secret key."""

import os

from .base import *  # noqa: F403
from .base import env_list

DEBUG = True
# Django's debug 404 and 403 pages instead of the intranet's own (intranet/errors.py), for developers.
DEBUG_ERROR_PAGES = os.environ.get("DEBUG_ERROR_PAGES", "") == "1"

# Only acceptable because DEBUG is on: production.py refuses to start without
# a real SECRET_KEY from the environment.
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-never-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")

MAILING_DELIVERY_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# runserver serves static files from the apps' folders; collectstatic only when asked for.
STATIC_ROOT = os.environ.get("STATIC_ROOT") or None
WHITENOISE_USE_FINDERS = True
