"""The parts that decide how the intranet degrades, in one process: the outage reports, the
fail-open cache, the health check's three answers, the password reset limit that fails closed.

Redis here is a loopback port nothing listens on (connections refused at once); the tests with a
real Redis stopped, hung and restarted under gunicorn are in tests/test_when_a_part_fails.py.
"""

import logging
from unittest import mock

import pytest
from django.core import mail
from django.core.cache import caches
from django.db import OperationalError
from django.test import Client

from resilience.cache import FailOpenRedisCache
from resilience.outages import Outage

from .servers import free_ports


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_an_outage_is_reported_once_then_once_per_interval_then_when_it_ends(caplog):
    clock = Clock()
    outage = Outage("Cache", retry_after=5, log_interval=60, clock=clock)
    caplog.set_level(logging.WARNING, logger="resilience.outages")
    for _ in range(100):
        outage.failed(ConnectionError("refused"))
        clock.now += 1  # a failure a second for 100 s
    outage.succeeded()
    outage.succeeded()
    messages = [record.getMessage() for record in caplog.records]
    assert messages == [
        "Cache unavailable: refused",
        "Cache still unavailable after 60 s (60 failures since the last report): refused",
        "Cache available again after 100 s",
    ]
    assert caplog.records[0].exc_info is not None  # the first report carries the error


def test_after_a_failure_the_part_is_left_alone_for_a_while():
    clock = Clock()
    outage = Outage("Cache", retry_after=5, clock=clock)
    assert not outage.skipping()
    outage.failed(ConnectionError("refused"))
    assert outage.skipping() and outage.down
    clock.now += 5
    assert not outage.skipping()  # time for one more try
    outage.succeeded()
    assert not outage.down


@pytest.fixture
def unreachable_redis():
    return f"redis://127.0.0.1:{free_ports(1)[0]}/0"


def test_the_cache_fails_open_when_redis_refuses(unreachable_redis, caplog):
    cache = FailOpenRedisCache(unreachable_redis, {"OPTIONS": {"RETRY_AFTER": 0}})
    assert cache.get("page", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set("page", "copy") is None
    assert cache.add("page", "copy") is False
    assert cache.set_many({"a": 1}) == ["a"]
    assert cache.delete("page") is False
    assert cache.has_key("page") is False
    assert cache.get_or_set("page", "fresh") == "fresh"
    with pytest.raises(ValueError):
        cache.incr("counter")
    assert cache.is_available() is False
    assert len([r for r in caplog.records if "unavailable" in r.getMessage()]) == 1


def test_the_health_check_says_degraded_without_redis_and_still_serves(
    unreachable_redis, settings, member, as_user, home
):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "resilience.cache.FailOpenRedisCache", "LOCATION": unreachable_redis},
    }
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "unavailable", "outbox": "ok"}
    page = as_user(member).get("/")
    assert page.status_code == 200 and page["X-Page-Cache"] == "miss"


def test_the_password_reset_limit_fails_closed(unreachable_redis, settings, member):
    settings.CACHES = {
        **settings.CACHES,
        "limits": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": unreachable_redis},
    }
    caches["limits"].close()
    response = Client().post("/mot-de-passe/oublie/", {"email": member.email})
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert "aucun email n'a été envoyé" in response.content.decode().replace("&#x27;", "'")
    assert mail.outbox == []


def test_the_password_reset_form_sends_when_the_limits_answer(member):
    response = Client().post("/mot-de-passe/oublie/", {"email": member.email})
    assert response.status_code == 302 and len(mail.outbox) == 1


def test_any_error_while_the_database_does_not_answer_is_the_try_again_page(rf):
    """Django's constraint checks turn a lost connection into a ValidationError: the probe decides."""
    from django.core.exceptions import ValidationError

    from intranet.errors import server_error

    def raised(error, answers):
        try:
            raise error
        except type(error):
            with mock.patch("intranet.errors.database_answers", return_value=answers):
                return server_error(rf.get("/"))

    lost = raised(ValidationError("unique_in_progress_workflow"), answers=False)
    assert lost.status_code == 503 and lost["Retry-After"] == "10"
    assert "Service momentanément indisponible" in lost.content.decode()
    assert raised(ValidationError("a real bug"), answers=True).status_code == 500


def test_the_end_of_a_database_outage_is_reported_by_the_next_page(member, as_user, caplog):
    from resilience.database import DATABASE_OUTAGE

    caplog.set_level(logging.WARNING, logger="resilience.outages")
    DATABASE_OUTAGE.failed(OperationalError("the server closed the connection"))
    try:
        assert as_user(member).get("/").status_code == 200
        assert not DATABASE_OUTAGE.down
        assert [r.getMessage() for r in caplog.records][-1].startswith("Database available again after")
    finally:
        DATABASE_OUTAGE.succeeded()
