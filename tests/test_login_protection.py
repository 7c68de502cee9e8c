"""Login protection (django-axes): repeated failures lock out, whatever X-Forwarded-For says."""

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client

from .factories import PASSWORD

pytestmark = pytest.mark.usefixtures("shared_world")


@pytest.fixture(autouse=True)
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.TRUSTED_PROXY_COUNT = 1  # one reverse proxy, which appends the real address


def fail(client, url, username, forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return client.post(
        url, {"username": username, "password": "wrong-password"}, REMOTE_ADDR="10.0.0.1", **headers
    )


@pytest.mark.parametrize("url", ["/login/", "/admin/login/"])
def test_five_failures_lock_the_account_with_a_french_message(member, url, home):
    client = Client()
    for _ in range(5):
        fail(client, url, member.username)
    locked = client.post(url, {"username": member.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert locked.status_code == 429
    assert "Connexion temporairement bloquée" in locked.content.decode()
    assert client.get("/").status_code == 302  # the right password did not get in


def test_a_rotating_forwarded_for_does_not_reset_the_count(member, home):
    client = Client()
    for n in range(5):
        # A client can write anything to the left; the proxy appends the real address last.
        fail(client, "/login/", member.username, forwarded=f"203.0.113.{n}, 198.51.100.7")
    locked = client.post(
        "/login/",
        {"username": member.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.99, 198.51.100.7",
    )
    assert locked.status_code == 429


def test_the_address_is_locked_across_usernames(member, editor, home):
    client = Client()
    for n in range(5):
        fail(client, "/login/", f"inconnu-{n}", forwarded="198.51.100.8")
    locked = client.post(
        "/login/",
        {"username": editor.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.8",
    )
    assert locked.status_code == 429


def test_attempts_are_stored_in_the_database_shared_by_every_worker(member, home):
    fail(Client(), "/login/", member.username)
    assert AccessAttempt.objects.filter(username=member.username).exists()


def test_fewer_failures_than_the_limit_still_let_the_person_in(member, home):
    client = Client()
    for _ in range(3):
        fail(client, "/login/", member.username)
    response = client.post(
        "/login/", {"username": member.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 302


def test_password_reset_requests_are_limited(member, home, settings):
    settings.PASSWORD_RESET_LIMIT = 3
    client = Client()
    answers = [
        client.post(
            "/mot-de-passe/oublie/",
            {"email": member.email},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 198.51.100.9",
        ).status_code
        for n in range(5)
    ]
    assert answers == [302, 302, 302, 429, 429]
    assert len(mail.outbox) == 3
    assert (
        "Trop de demandes" in client.post("/mot-de-passe/oublie/", {"email": member.email}).content.decode()
    )
