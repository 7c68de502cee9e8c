"""Production hardening: headers, CSP, health check, shared passwords off, logs, deploy checks."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from intranet.logging import JSONFormatter

from .factories import make_minutes

pytestmark = pytest.mark.usefixtures("shared_world")

ROOT = Path(__file__).resolve().parent.parent


def test_member_pages_get_a_strict_content_security_policy(member, as_user, home):
    policy = as_user(member).get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy


def test_the_admin_gets_its_own_same_origin_policy(editor, as_user, home):
    policy = as_user(editor).get("/admin/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'self'" in policy


def test_documents_keep_their_sandbox_policy(group_a, as_user):
    minutes = make_minutes(group_a)
    assert (
        as_user(group_a.people[0]).get(minutes.url)["Content-Security-Policy"]
        == "default-src 'none'; sandbox"
    )


def test_health_check_says_ok_and_nothing_else(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "outbox": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_health_check_reports_a_broken_database_without_details(db):
    from unittest import mock

    from django.db import connection

    with mock.patch.object(
        connection, "cursor", side_effect=RuntimeError("connection refused by 10.1.2.3:5432")
    ):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "down",
        "database": "unavailable",
        "cache": "ok",
        "outbox": "unknown",
    }
    assert b"10.1.2.3" not in response.content


def test_health_check_says_degraded_when_an_email_waits_too_long(db):
    """No worker running, or a mail server that refuses: the outbox fills, and monitoring hears of it."""
    import datetime

    from django.utils import timezone

    from mailing.models import OutgoingEmail

    row = OutgoingEmail.objects.create(to="a@example.coop", subject="Sujet", message={})
    assert Client().get("/healthz").json()["outbox"] == "ok"  # just written: its task is on its way
    OutgoingEmail.objects.filter(pk=row.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=20))
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "ok", "outbox": "late"}
    OutgoingEmail.objects.filter(pk=row.pk).update(status=OutgoingEmail.Status.SENT)
    assert Client().get("/healthz").json()["status"] == "ok"


def test_health_check_accepts_only_get(db):
    assert Client().post("/healthz").status_code == 405


def test_shared_passwords_are_off_for_pages_and_collections(group_a, superuser, as_user, settings):
    assert settings.WAGTAIL_PRIVATE_PAGE_OPTIONS == {"SHARED_PASSWORDS": False}
    assert settings.WAGTAILDOCS_PRIVATE_COLLECTION_OPTIONS == {"SHARED_PASSWORDS": False}
    form = as_user(superuser).get(f"/admin/pages/{group_a.pk}/privacy/").content.decode()
    assert 'value="password"' not in form


def test_logs_are_one_json_object_per_line():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys as _sys

        record = logging.LogRecord(
            "intranet", logging.ERROR, __file__, 1, "Échec %s", ("ici",), _sys.exc_info()
        )
    line = JSONFormatter().format(record)
    entry = json.loads(line)
    assert (
        entry["level"] == "ERROR"
        and entry["message"] == "Échec ici"
        and "ValueError: boom" in entry["exception"]
    )
    assert "\n" not in line


@pytest.mark.slow
def test_deploy_checks_pass_under_production_settings():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "intranet.settings.production",
        "SECRET_KEY": "a" * 20 + "-deploy-check-only-" + "b" * 20,
        "ALLOWED_HOSTS": "intranet.example.coop",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests' live server, never in deployment
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr + result.stdout
