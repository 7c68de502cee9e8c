"""Sessions and CSRF: a new session at as_user, a dead cookie after logout, no POST without a token."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from accounts.sessions import SessionStore
from workinggroups.models import WorkingGroupMembership

from .factories import PASSWORD, make_minutes

pytestmark = pytest.mark.usefixtures("shared_world")


def test_the_session_key_changes_at_login(member, home):
    client = Client()
    client.get("/login/")
    client.cookies["sessionid"] = "attacker-chosen-session"
    client.post("/login/", {"username": member.username, "password": PASSWORD})
    assert client.cookies["sessionid"].value != "attacker-chosen-session"
    assert client.get("/").status_code == 200


def test_a_cookie_is_dead_after_logout(member, home):
    client = Client()
    client.post("/login/", {"username": member.username, "password": PASSWORD})
    stolen = client.cookies["sessionid"].value
    client.post("/logout/")
    thief = Client()
    thief.cookies["sessionid"] = stolen
    response = thief.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_posts_without_a_csrf_token_are_refused(member, group_a, home, editor):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/login/", {"username": member.username, "password": PASSWORD}).status_code == 403
    client.force_login(member)
    minutes = make_minutes(group_a)
    refused = client.post(
        "/documents/acces/demander/",
        {"groupe": group_a.pk, "document": minutes.pk, "reason": "Une raison suffisante."},
    )
    assert refused.status_code == 403
    assert client.post("/logout/").status_code == 403
    admin_client = Client(enforce_csrf_checks=True)
    admin_client.force_login(editor)
    assert admin_client.post(f"/admin/pages/{group_a.pk}/edit/", {"title": "Piraté"}).status_code == 403
    group_a.refresh_from_db()
    assert group_a.title != "Piraté"


def test_with_a_token_the_same_post_works(member, home):
    client = Client(enforce_csrf_checks=True)
    client.get("/login/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/login/", {"username": member.username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def test_removed_from_the_group_loses_access_on_the_next_request(group_a, as_user):
    person = group_a.people[0]
    minutes = make_minutes(group_a)
    client = as_user(person)
    assert client.get(minutes.url).status_code == 200
    assert client.get(f"/admin/pages/{group_a.pk}/edit/").status_code == 200
    WorkingGroupMembership.objects.get(page=group_a, user=person).delete()
    assert client.get(minutes.url).status_code == 403
    assert client.get(f"/admin/pages/{group_a.pk}/edit/").status_code == 302


def test_a_deactivated_account_is_logged_out_at_once(member, as_user, home):
    client = as_user(member)
    member.is_active = False
    member.save()
    assert client.get("/").status_code == 302


def test_a_session_is_read_until_its_expiry_and_not_a_minute_after(member, home):
    """The session is read with a plain query (accounts/sessions.py): the expiry is compared in the
    database's own time format, on PostgreSQL as on SQLite."""
    client = Client()
    client.post("/login/", {"username": member.username, "password": PASSWORD})
    key = client.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=1))
    assert client.get("/").status_code == 200
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(minutes=1))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_session_store_reads_what_djangos_wrote_and_nothing_for_an_unknown_key(db):
    written = DjangoSessionStore()
    written["person"] = {"name": "Hélène", "groups": [1, 2]}
    written.save()
    read = SessionStore(session_key=written.session_key)
    assert read.load() == {"person": {"name": "Hélène", "groups": [1, 2]}}
    assert read.session_key == written.session_key

    unknown = SessionStore(session_key="x" * 32)
    assert unknown.load() == {} and unknown.session_key is None
    assert settings.SESSION_ENGINE == "accounts.sessions"
