"""Members meet the intranet's own pages, even under ``make run`` (DEBUG): not Django's debug pages."""

import pytest
from django.test import Client

pytestmark = pytest.mark.usefixtures("shared_world")


@pytest.mark.parametrize("debug", [False, True])
def test_a_missing_page_is_the_intranets_own_404(member, as_user, settings, debug):
    settings.DEBUG = debug
    response = as_user(member).get("/groupes-de-travail-2017-2018/nulle-part/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Page introuvable" in html and "Retour à l'accueil" in html
    assert "URLconf" not in html and "admin/" not in html  # Django's debug page lists every URL


@pytest.mark.parametrize("debug", [False, True])
def test_a_forbidden_document_is_the_intranets_own_403(group_a, member, as_user, settings, debug):
    from .factories import make_minutes

    settings.DEBUG = debug
    response = as_user(member).get(make_minutes(group_a).url)
    assert response.status_code == 403
    assert "<html" in response.content.decode()


def test_developers_get_djangos_debug_404_when_they_ask(member, as_user, settings):
    settings.DEBUG, settings.DEBUG_ERROR_PAGES = True, True
    response = as_user(member).get("/groupes-de-travail-2017-2018/nulle-part/")
    assert response.status_code == 404 and "Page introuvable" not in response.content.decode()


def test_the_403_page_says_what_to_do(member, as_user, settings, rf):
    from django.core.exceptions import PermissionDenied
    from django.views import defaults

    request = rf.get("/")
    request.user = member
    html = defaults.permission_denied(request, PermissionDenied()).content.decode()
    assert "Accès refusé" in html and "écrivez à l'animation de votre groupe" in html


def test_the_favicon_is_served_to_everyone():
    response = Client().get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("/intranet/favicon.ico")
    icon = Client().get(response["Location"])
    assert icon.status_code == 200
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_pages_name_their_icon(member, as_user):
    html = as_user(member).get("/").content.decode()
    assert 'rel="icon" href="/static/intranet/favicon.svg"' in html
