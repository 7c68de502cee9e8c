"""Production settings refuse to start without their secrets; with nothing set the site uses SQLite."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_settings(module, expression="settings.DATABASES['default']['ENGINE'], settings.DEBUG", **env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}}
    clean.update(env, DJANGO_SETTINGS_MODULE=module)
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True)


def test_production_refuses_to_start_without_secret_key():
    result = run_settings("intranet.settings.production", ALLOWED_HOSTS="intranet.example.coop")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_settings("intranet.settings.production", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_production_starts_with_its_secrets_and_debug_off():
    result = run_settings(
        "intranet.settings.production", SECRET_KEY="x" * 50, ALLOWED_HOSTS="intranet.example.coop"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "False"]


def test_production_cookies_are_secure_only_language_included():
    result = run_settings(
        "intranet.settings.production",
        "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.LANGUAGE_COOKIE_SECURE",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="intranet.example.coop",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True"]


def test_base_settings_are_safe_on_their_own():
    result = run_settings("intranet.settings.base")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1] == "False"


def test_development_runs_on_sqlite_with_nothing_set():
    result = run_settings("intranet.settings.dev")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True"]


def test_database_url_selects_postgresql():
    result = run_settings("intranet.settings.dev", DATABASE_URL="postgres://u@127.0.0.1:5432/x")
    assert result.stdout.split()[0] == "django.db.backends.postgresql"


def test_production_emails_link_to_the_sites_own_address():
    result = run_settings(
        "intranet.settings.production",
        "settings.WAGTAILADMIN_BASE_URL",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="intranet.example.coop,www.intranet.example.coop",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "https://intranet.example.coop"


def test_make_run_on_another_port_sends_links_to_that_port():
    """``PORT=8001 make run``: the moderation emails link to port 8001, not to 8000."""
    result = subprocess.run(
        [shutil.which("make"), "-n", "run", "serve", "PORT=8001"],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
    )
    commands = [line for line in result.stdout.splitlines() if "runserver" in line or "gunicorn" in line]
    assert len(commands) == 2, result.stdout
    for command in commands:
        assert 'WAGTAILADMIN_BASE_URL="${WAGTAILADMIN_BASE_URL:-http://127.0.0.1:8001}"' in command
