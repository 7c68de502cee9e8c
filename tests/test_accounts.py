"""Logging in, out, and choosing a new password, as a member does."""

import re

import pytest
from django.core import mail
from django.test import Client

pytestmark = pytest.mark.usefixtures("shared_world")


def test_login_page_is_styled_and_in_french(db):
    response = Client().get("/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Connexion à l'intranet" in html
    assert '<label for="id_username">Identifiant' in html
    assert 'autocomplete="current-password"' in html
    assert "/static/intranet/css/intranet.css" in html


def test_wrong_password_gets_a_clear_message_and_no_session(member):
    client = Client()
    response = client.post("/login/", {"username": "membre", "password": "faux"})
    assert response.status_code == 200
    assert "Identifiant ou mot de passe incorrect." in response.content.decode()
    assert client.get("/").status_code == 302


def test_logout_needs_a_post_and_ends_the_session(member, login, home):
    client = login(member)
    assert client.get("/").status_code == 200
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert client.get("/").status_code == 302


def test_password_reset_by_email(member):
    client = Client()
    response = client.post("/mot-de-passe/oublie/", {"email": "membre@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["membre@example.org"]
    assert "Nouveau mot de passe" in message.subject
    link = re.search(r"http://testserver(/mot-de-passe/nouveau/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    post_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = client.post(
        post_url, {"new_password1": "Un-nouveau-secret-42", "new_password2": "Un-nouveau-secret-42"}
    )
    assert done.status_code == 302
    assert Client().login(username="membre", password="Un-nouveau-secret-42")


def test_password_reset_does_not_reveal_whether_an_address_exists(db):
    response = Client().post("/mot-de-passe/oublie/", {"email": "personne@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 0


def test_the_wagtail_admin_keeps_its_own_login(db):
    response = Client().get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert Client().get("/admin/login/").status_code == 200
