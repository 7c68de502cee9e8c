"""Settings shared by every environment.

This module is safe for production on its own: DEBUG is off, nothing secret is
written here, and every value that differs between machines is read from the
environment (see the configuration table in docs/operations.md). ``dev.py`` loosens it
for a laptop; ``production.py`` refuses to start without its secrets.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

INSTALLED_APPS = [
    # The project's apps, from the floor up (docs/architecture.md; `make lint` checks the layers).
    "privacy",
    "resilience",
    "mailing",
    "accounts",
    "languages",
    "sitewide",
    "home",
    "notifications",
    "meetings",
    "workinggroups",
    "documents",
    "search",
    "wagtail_modeladmin",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "axes",
    "csp",
    "django.contrib.admin",  # not routed: wagtail-modeladmin's list filters use its filter classes
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "documents.middleware.UploadSizeLimitMiddleware",  # an over-sized body is refused before it is read
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files, before anything that needs a session
    "accounts.middleware.PrivateResponsesMiddleware",  # Cache-Control: private on every logged-in response
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "languages.i18n.UserLanguageMiddleware",  # a person's own language wins over cookie and browser
    "accounts.middleware.IntranetLoginRequiredMiddleware",
    "privacy.admin_guards.AdminGuardMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "intranet.errors.IntranetErrorPagesMiddleware",  # the intranet's 404 and 403 pages under DEBUG too
    "workinggroups.moderation_feedback.ModerationFeedbackMiddleware",  # says what each decision did
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "intranet.security.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
    # After login, guards and lockouts: serves and stores member pages (sitewide/page_cache.py).
    "sitewide.page_cache.PageCacheMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses logins while locked out
    "accounts.backends.IntranetModelBackend",  # Django's, with the Wagtail profile (language) loaded
]

ROOT_URLCONF = "intranet.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # Dates, sizes and tags as each language writes them, in every template.
            "builtins": ["languages.templatetags.formats"],
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sitewide.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "intranet.wsgi.application"

# Database: DATABASE_URL (postgres://user:password@host:port/name) or SQLite in
# the project folder when nothing is set.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Persistent connections: a request does not pay for a new PostgreSQL connection.
        # Health checks drop a connection the server closed instead of failing a request.
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set (shared by every app server), else a per-process memory
# cache that is only fit for one process. Nothing in it is needed to serve: when Redis is down,
# "default" fails open (pages are served uncached, resilience/cache.py) and "limits" fails closed
# (the password reset form asks to come back later, accounts/views.py). Short timeouts: a Redis
# that hangs costs a request half a second, then each process leaves it alone for RETRY_AFTER
# seconds. Sessions are in the database, where logins are decided (Django's database engine,
# read by accounts/sessions.py).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    _redis_timeout = float(os.environ.get("REDIS_TIMEOUT_SECONDS", "0.5"))
    _redis = {
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "intranet"),
        "OPTIONS": {"socket_connect_timeout": _redis_timeout, "socket_timeout": _redis_timeout},
    }
    CACHES = {
        "default": {
            **_redis,
            "BACKEND": "resilience.cache.FailOpenRedisCache",
            "OPTIONS": {**_redis["OPTIONS"], "RETRY_AFTER": 5, "LOG_INTERVAL": 60},
        },
        "limits": {**_redis, "BACKEND": "django.core.cache.backends.redis.RedisCache"},
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
        "limits": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "limits"},
    }

# Wagtail's background tasks (reference and search indexes) run in the request; a database failure
# in one fails the request instead of being recorded and ignored (resilience/tasks.py).
TASKS = {"default": {"BACKEND": "resilience.tasks.DatabaseFailuresRaiseBackend"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The whole site requires a login (accounts.middleware); these are the ways in.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
WAGTAIL_FRONTEND_LOGIN_URL = "/login/"

# Internationalisation: French is the language of the cooperative and the source language
# of every string; Dutch and English are complete translations (locale/). Each language is
# named in itself in the switcher. A person's choice is kept in their Wagtail profile, which
# the admin, the member pages and the emails all follow (languages/i18n.py).
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("nl", "Nederlands"), ("en", "English")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
# Library documents (minutes...) are kept outside MEDIA_ROOT and have no URL of their own:
# only the permission-checked view in documents/views.py serves them.
DOCUMENTS_ROOT = Path(os.environ.get("DOCUMENTS_ROOT", BASE_DIR / "private-media"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "documents": {
        "BACKEND": "documents.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": DOCUMENTS_ROOT},
    },
    # Hashed names (cached for a year by browsers) and gzip/brotli copies, served by whitenoise.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Complex page forms (group page with its memberships) exceed Django's default.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Email: every email goes to the outbox (mailing/), in the same transaction as what caused it, and the
# task queue hands it to MAILING_DELIVERY_BACKEND: SMTP in production, configured from the environment
# (EMAIL_BACKEND names that delivery backend, as it named the backend before the outbox).
EMAIL_BACKEND = "mailing.backends.OutboxBackend"
MAILING_DELIVERY_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "intranet@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The task queue (Celery, intranet/celery.py): Redis as its broker, named by CELERY_BROKER_URL (never
# taken from REDIS_URL alone: a queue with no worker running would keep every email). Without it, tasks
# run in the process that asks for them (make run needs no worker). A task is acknowledged once done,
# so a worker that dies hands it to another.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_TIMEOUT = float(os.environ.get("CELERY_BROKER_CONNECTION_TIMEOUT", "1"))
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "max_retries": 1}
# A task is stopped after two minutes (far under MAILING_STUCK_AFTER_SECONDS), a mail server that
# hangs after EMAIL_TIMEOUT; the worker logs as the app servers do (JSON lines).
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_TASK_TIME_LIMIT = 120
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request that queues a task while the broker is down waits a second at most, then the work waits
# in the database (mailing/queue.py).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TIMEZONE = "Europe/Brussels"
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {
        "task": "mailing.tasks.sweep",
        "schedule": float(os.environ.get("MAILING_SWEEP_EVERY", "60")),
    },
    # Notifications (notifications/delivery.py): events not yet announced, at-once emails not yet
    # written; the daily digest every morning, the weekly one on Monday mornings (Brussels time).
    "notifications-sweep": {
        "task": "notifications.tasks.sweep",
        "schedule": float(os.environ.get("MAILING_SWEEP_EVERY", "60")),
    },
    "daily-digest": {
        "task": "notifications.tasks.send_digests",
        "schedule": crontab(hour=7, minute=0),
        "args": ("daily",),
    },
    "weekly-digest": {
        "task": "notifications.tasks.send_digests",
        "schedule": crontab(hour=7, minute=15, day_of_week="monday"),
        "args": ("weekly",),
    },
    # Meetings (meetings/tasks.py): the reminders of the next 24 hours, to those who said they would come.
    "meeting-reminders": {
        "task": "meetings.tasks.send_reminders",
        "schedule": crontab(minute=5),
    },
}
# People per digest task: each batch is written by one task (notifications/delivery.py), small enough
# to finish well within CELERY_TASK_SOFT_TIME_LIMIT and to lose little when a worker dies.
DIGEST_BATCH = int(os.environ.get("DIGEST_BATCH", "500"))
# How long the one-click unsubscribe link of a notification email works (notifications/unsubscribe.py).
UNSUBSCRIBE_MAX_AGE_DAYS = int(os.environ.get("UNSUBSCRIBE_MAX_AGE_DAYS", "90"))
# The outbox's sweep (mailing/delivery.py): a pending email is queued again after this many seconds,
# and one a dead worker left "sending" after this many.
MAILING_SWEEP_AFTER_SECONDS = int(os.environ.get("MAILING_SWEEP_AFTER_SECONDS", "60"))
MAILING_STUCK_AFTER_SECONDS = int(os.environ.get("MAILING_STUCK_AFTER_SECONDS", "600"))

# Reverse proxies in front of Django that append to X-Forwarded-For (accounts/client_address.py).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Login protection (django-axes): after 5 failures a username, and separately an address, is
# locked out for 15 minutes, on /login/ and /admin/login/ alike. Stored in the database, so
# every app server sees the same count.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "accounts.client_address.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_VERBOSE = False
# Rendered member pages are kept this long at most in the shared cache (0: not cached).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
# The general assembly's PDF is made in the request: above this many recommendations the reader is asked
# for one group at a time (docs/performance.md, "The assembly's document", has the figures behind it).
ASSEMBLY_DOCUMENT_MAX_RECOMMENDATIONS = int(os.environ.get("ASSEMBLY_DOCUMENT_MAX_RECOMMENDATIONS", "250"))
# Password reset requests per address and per email address, per hour (accounts/views.py).
PASSWORD_RESET_LIMIT = int(os.environ.get("PASSWORD_RESET_LIMIT", "5"))

# Security headers that cost nothing behind any proxy.
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"  # Wagtail allows its own preview frame on those views only
# Django's database sessions, read with one plain query instead of the ORM's (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_AGE = 60 * 60 * 12

# Wagtail
WAGTAIL_SITE_NAME = _("Intranet des sociétaires")
# The language the content (pages, reports, tags, names) is written in, whatever the interface's:
# marked with lang="fr" on Dutch and English pages (languages/templatetags/formats.py).
CONTENT_LANGUAGE = "fr"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILDOCS_DOCUMENT_MODEL = "documents.LibraryDocument"
WAGTAILDOCS_EXTENSIONS = ["pdf", "odt", "ods", "odp", "docx", "xlsx", "pptx", "txt", "csv", "png", "jpg"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = int(os.environ.get("DOCUMENTS_MAX_UPLOAD_MB", "25")) * 1024 * 1024
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "documents.forms.LibraryDocumentForm"
WAGTAILDOCS_INLINE_CONTENT_TYPES = []  # every download is an attachment, PDFs included
# Shared passwords on private pages and collections are off: access is per person.
WAGTAIL_PRIVATE_PAGE_OPTIONS = {"SHARED_PASSWORDS": False}
WAGTAILDOCS_PRIVATE_COLLECTION_OPTIONS = {"SHARED_PASSWORDS": False}
# Minutes library (documents/)
ACCESS_GRANT_DAYS = int(os.environ.get("ACCESS_GRANT_DAYS", "30"))
# Requests for the same minutes per person in a window, and requests per person per day (each emails people).
ACCESS_REQUESTS_PER_TARGET = int(os.environ.get("ACCESS_REQUESTS_PER_TARGET", "3"))
ACCESS_REQUEST_WINDOW_DAYS = int(os.environ.get("ACCESS_REQUEST_WINDOW_DAYS", "30"))
ACCESS_REQUESTS_PER_DAY = int(os.environ.get("ACCESS_REQUESTS_PER_DAY", "10"))
DOWNLOAD_LOG_IP = os.environ.get("DOWNLOAD_LOG_IP", "hash")  # "hash" or "omit"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # French stemming without accents (search/migrations/0001): "éthique" finds "ethique".
    WAGTAILSEARCH_BACKENDS["default"]["SEARCH_CONFIG"] = "french_unaccent"
SEARCH_MAX_QUERY_LENGTH = 200
SEARCH_MAX_TERMS = 12
SEARCH_RESULTS_PER_PAGE = 20
SEARCH_MAX_PAGES = 50
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No Gravatar: the content security policy refuses it (avatars were broken images), and nobody's
# email address should be sent to a third party to draw a face. Wagtail shows its default avatar.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAIL_I18N_ENABLED = False
TAGGIT_CASE_INSENSITIVE = True
TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING = True  # "éthique" -> ?tag=ethique

# Working groups
WORKING_GROUP_DEFAULT_MAX_SIZE = 12
BOARD_GROUP_NAME = "Conseil d'administration"
MEMBERS_GROUP_NAME = "Membres"
EDITORS_GROUP_NAME = "Éditeurs"

# Moderation workflow (workinggroups/workflow.py)
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
WAGTAIL_WORKFLOW_CANCEL_ON_PUBLISH = True
WAGTAIL_FINISH_WORKFLOW_ACTION = "workinggroups.finish.publish_reviewed_revision"
# Every saved revision of a page under review must be reviewed again; autosave would
# create revisions (and send the page back to its facilitators) every few seconds.
WAGTAIL_AUTOSAVE_INTERVAL = 0
WAGTAILADMIN_NOTIFICATION_USE_HTML = True
# Wagtail turns a pasted intranet address into a page link by routing it, and answers with that
# page's draft title, private pages and pending titles included: links stay as typed. Editors
# link pages with the page chooser, which shows only what they may see.
WAGTAILADMIN_EXTERNAL_LINK_CONVERSION = "none"
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = env_bool("NOTIFY_SUPERUSERS", False)

# Content-Security-Policy (django-csp; intranet/security.py picks the policy by path). Member
# pages load nothing but the intranet's own files; the Wagtail admin needs inline styles and
# scripts, so it gets its own, still same-origin, policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
}

# Structured logging: one JSON object per line on stderr, for whatever collects the logs.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "intranet.logging.JSONFormatter"}},
    "filters": {"drop_database_outages": {"()": "resilience.database.DropDatabaseOutages"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stderr"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "django_tasks": {"level": "WARNING"},  # one line per background task otherwise
        # A database outage is reported once a minute (resilience/database.py), not once a request.
        "django.request": {
            "handlers": ["stderr"],
            "level": "WARNING",
            "propagate": False,
            "filters": ["drop_database_outages"],
        },
        "axes": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
    },
}
