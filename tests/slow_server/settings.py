"""Production settings plus one slow page, for the graceful-restart test (tests/test_graceful_restart.py)."""

from intranet.settings.production import *  # noqa: F403

ROOT_URLCONF = "tests.slow_server.urls"
