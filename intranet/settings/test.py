"""Tests: fast hashing, in-memory email, the database from DATABASE_URL or SQLite."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-secret-key"  # noqa: S105 - tests only, never deployed
AXES_ENABLED = False  # switched on by the login-protection tests; the test client logs in without a request
LOGGING = {"version": 1, "disable_existing_loggers": False}  # quiet test runs
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run in the test's process unless a test starts a worker of its own (tests/test_task_queue.py).
CELERY_BROKER_URL = ""
CELERY_TASK_ALWAYS_EAGER = True
MAILING_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "limits": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "limits"},
}

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "documents": {"BACKEND": "documents.storage.PrivateInMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

WAGTAILADMIN_BASE_URL = "http://testserver"

# Static files from the apps' folders (no collectstatic in tests), through whitenoise as in production.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True

# The tests' SQLite database is migrated once and copied into later runs (tests/cached_sqlite).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["ENGINE"] = "tests.cached_sqlite"  # noqa: F405
    # In memory, one per process (pytest-django names a file per xdist worker for other engines).
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}  # noqa: F405
