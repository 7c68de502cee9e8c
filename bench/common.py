"""What the benchmarks share: their environment and the benchmark database at full size.

The benchmark database (``BENCH_DATABASE_URL``, default ``intranet_bench`` on the local
PostgreSQL) is filled once with ``manage.py generate_scale_data`` at its default, full size;
a database of another size is dropped and filled again. Never point it at real data.
"""

import os
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/intranet_bench"


def configure(settings_module):
    """Environment for Django in this process and in the servers it starts."""
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # a fresh one per run
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")  # plain HTTP on loopback, no TLS proxy here
    os.environ.setdefault("TRUSTED_PROXY_COUNT", "0")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")
    os.environ.setdefault("DOCUMENTS_ROOT", str(ROOT / "artifacts" / "bench-documents"))
    os.environ.setdefault("STATIC_ROOT", str(ROOT / "artifacts" / "bench-static"))
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    ensure_database_exists(os.environ["DATABASE_URL"])


def _server(config):
    return {
        key: value
        for key, value in {
            "host": config["HOST"],
            "port": config["PORT"],
            "user": config["USER"],
            "password": config["PASSWORD"],
        }.items()
        if value
    }


def _admin(url, statement, name_as_parameter=False):
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(url)
    connection = psycopg2.connect(dbname="postgres", **_server(config))
    connection.autocommit = True  # CREATE / DROP DATABASE cannot run in a transaction
    try:
        with connection.cursor() as cursor:
            if name_as_parameter:
                cursor.execute(statement, [config["NAME"]])
            else:
                cursor.execute(statement.format(name=config["NAME"]))
            return cursor.fetchone() if cursor.description else None
    finally:
        connection.close()


def ensure_database_exists(url):
    if not url.startswith("postgres"):
        raise SystemExit("The benchmarks run on PostgreSQL: set BENCH_DATABASE_URL to a postgres:// URL.")
    if _admin(url, "SELECT 1 FROM pg_database WHERE datname = %s", name_as_parameter=True) is None:
        _admin(url, 'CREATE DATABASE "{name}"')


def ensure_full_size_data():
    """Fill the benchmark database at generate_scale_data's full size, unless it already is."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from documents.models import DownloadLogEntry, LibraryDocument
    from meetings.models import Meeting
    from sitewide.scale_data import Sizes
    from workinggroups.models import RecommendationPage

    call_command("migrate", verbosity=0)
    sizes = Sizes()
    have = {
        "accounts": get_user_model().objects.filter(username__startswith="scale-user-").count(),
        "recommendations": RecommendationPage.objects.count(),
        "documents": LibraryDocument.objects.filter(title__startswith="PV groupe-").count(),
        "download log rows": DownloadLogEntry.objects.count(),
        "meetings with a report": Meeting.objects.filter(report__isnull=False).count(),
    }
    want = {
        "accounts": sizes.users,
        "recommendations": sizes.recommendations,
        "documents": sizes.documents,
        "download log rows": sizes.downloads,
        "meetings with a report": sizes.reports + sizes.pending,
    }
    # The load benchmark downloads minutes, which adds to the download log: at least is enough.
    if all(have[name] == want[name] for name in want if name != "download log rows") and (
        have["download log rows"] >= want["download log rows"]
    ):
        return
    url = os.environ["DATABASE_URL"]
    print(f"The benchmark database holds {have}, not the full size {want}: filling it again.", flush=True)
    connection.close()
    _admin(url, 'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(url, 'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)
    started = time.monotonic()
    call_command("generate_scale_data", "--force")
    print(f"Full-size data generated in {time.monotonic() - started:.0f} s.", flush=True)
