"""Who may open a group's minutes, over the serve URL and every listing (docs/admin-and-moderation.md)."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from documents.models import AccessRequest

from .factories import MeetingReportPageFactory, StaffFactory, UserFactory, add_membership, make_minutes

pytestmark = pytest.mark.usefixtures("shared_world")

CANARY = "PV confidentiel canari-7731"


@pytest.fixture
def minutes(group_a, group_b):
    return make_minutes(group_a, title=CANARY)


@pytest.fixture
def report(group_a, minutes):
    page = MeetingReportPageFactory(parent=group_a, title="Réunion avec PV", minutes=minutes)
    page.save_revision().publish()
    return page


@pytest.fixture
def roles(group_a, group_b, member, editor, board_member, superuser):
    """Every kind of person of the access matrix, by name."""
    editor_in_a = UserFactory(username="editrice-du-groupe")
    editor_in_a.groups.add(editor.groups.get(name="Éditeurs"))
    add_membership(group_a, editor_in_a)
    grantee = UserFactory(username="beneficiaire")
    expired = UserFactory(username="acces-expire")
    refused = UserFactory(username="refuse")
    now = timezone.now()
    AccessRequest.objects.create(
        requester=grantee,
        working_group=group_a,
        reason="Pour comprendre.",
        status="granted",
        decided_by=board_member,
        decided_at=now,
        expires_at=now + datetime.timedelta(days=30),
    )
    AccessRequest.objects.create(
        requester=expired,
        working_group=group_a,
        reason="Pour comprendre.",
        status="granted",
        decided_by=board_member,
        decided_at=now - datetime.timedelta(days=40),
        expires_at=now - datetime.timedelta(days=10),
    )
    AccessRequest.objects.create(
        requester=refused,
        working_group=group_a,
        reason="Curiosité.",
        status="refused",
        decided_by=board_member,
    )
    return {
        "member": member,
        "member of another group": group_b.people[0],
        "facilitator of another group": group_b.facilitator,
        "member of the group": group_a.people[0],
        "facilitator": group_a.facilitator,
        "board liaison of the group": group_a.liaison,
        "board": board_member,
        "editor": editor,
        "editor in the group": editor_in_a,
        "grantee": grantee,
        "grantee after expiry": expired,
        "refused requester": refused,
        "superuser": superuser,
        "staff, not superuser": StaffFactory(username="personnel"),
    }


MAY_OPEN = {
    "member": False,
    "member of another group": False,
    "facilitator of another group": False,
    "member of the group": True,
    "facilitator": True,
    "board liaison of the group": True,
    "board": True,
    "editor": False,
    "editor in the group": True,
    "grantee": True,
    "grantee after expiry": False,
    "refused requester": False,
    "superuser": True,
    "staff, not superuser": False,
}


def page_text(response):
    """The HTML a person sees, also when the admin sends it inside JSON (modal choosers)."""
    if response["Content-Type"].startswith("application/json"):
        data = json.loads(response.content)
        return data.get("html") or json.dumps(data, ensure_ascii=False)
    return response.content.decode()


def test_anonymous_is_sent_to_login(minutes):
    response = Client().get(minutes.url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("role", sorted(MAY_OPEN))
def test_serve_url_follows_the_matrix(roles, minutes, as_user, role):
    response = as_user(roles[role]).get(minutes.url)
    if MAY_OPEN[role]:
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    else:
        assert response.status_code == 403
        assert CANARY not in response.content.decode()


@pytest.mark.parametrize("role", sorted(MAY_OPEN))
def test_member_pages_link_the_minutes_only_for_those_who_may_open_them(
    roles, report, minutes, as_user, role
):
    client = as_user(roles[role])
    report_html = client.get(report.url).content.decode()
    group_html = client.get(report.get_parent().url).content.decode()
    if MAY_OPEN[role]:
        assert minutes.url in report_html and minutes.url in group_html
    else:
        assert minutes.url not in report_html and minutes.url not in group_html
        assert CANARY not in group_html
        assert "disponible sur demande" in report_html
        assert "disponibles sur demande" in group_html


ADMIN_LISTINGS = [
    "/admin/documents/",
    "/admin/documents/?q=canari",
    "/admin/documents/chooser/",
    "/admin/documents/chooser/results/?q=canari",
    "/admin/api/main/documents/",
]


@pytest.mark.parametrize("role", sorted(MAY_OPEN))
def test_admin_listings_choosers_and_api_hide_minutes_from_those_who_may_not_open_them(
    roles, minutes, as_user, role
):
    client = as_user(roles[role])
    for url in ADMIN_LISTINGS:
        response = client.get(url)
        body = page_text(response) if response.status_code == 200 else ""
        if not MAY_OPEN[role]:
            assert CANARY not in body, f"{role} sees the minutes in {url}"


def test_those_in_the_group_find_their_minutes_in_the_admin(roles, minutes, as_user):
    for role in ("facilitator", "member of the group", "board"):
        client = as_user(roles[role])
        assert CANARY in client.get("/admin/documents/").content.decode(), role
        assert CANARY in page_text(client.get("/admin/documents/chooser/")), role


def test_an_editor_finds_the_minutes_they_uploaded_to_link_them_but_cannot_open_them(
    group_a, editor, as_user
):
    uploaded = make_minutes(
        group_a, title="PV envoyé par l'éditeur", filename="pv-editeur.pdf", uploader=editor
    )
    client = as_user(editor)
    assert "PV envoyé par l&#x27;éditeur" in page_text(client.get("/admin/documents/chooser/"))
    assert client.get(uploaded.url).status_code == 403


def test_a_grant_opens_exactly_what_was_granted(group_a, group_b, board_member, member, as_user):
    granted = make_minutes(group_a, title="PV accordé", filename="pv-1.pdf")
    other_in_a = make_minutes(group_a, title="Autre PV du groupe", filename="pv-2.pdf")
    in_b = make_minutes(group_b, title="PV d'un autre groupe", filename="pv-3.pdf")
    request = AccessRequest.objects.create(
        requester=member, working_group=group_a, document=granted, reason="Lecture."
    )
    request.grant(board_member)
    client = as_user(member)
    assert client.get(granted.url).status_code == 200
    assert client.get(other_in_a.url).status_code == 403
    assert client.get(in_b.url).status_code == 403
    assert as_user(UserFactory(username="voisin")).get(granted.url).status_code == 403


def test_a_group_page_lists_only_the_minutes_granted_one_by_one(group_a, member, board_member, as_user):
    """Outside the group, its page lists the minutes granted to the person, and no other."""
    granted = make_minutes(group_a, title="PV ACCORDE de mars", filename="mars.pdf")
    make_minutes(group_a, title="PV FERME d'avril", filename="avril.pdf")
    page = as_user(member).get(group_a.url).content.decode()
    assert "Vous avez accès à certains" not in page and "PV ACCORDE" not in page and "PV FERME" not in page
    AccessRequest.objects.create(
        requester=member,
        working_group=group_a,
        document=granted,
        reason="Pour lire.",
        status=AccessRequest.Status.GRANTED,
        decided_by=board_member,
        decided_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    page = as_user(member).get(group_a.url).content.decode()
    assert "Vous avez accès à certains" in page and "PV ACCORDE" in page and "PV FERME" not in page
    # A member of the group has the whole list.
    page = as_user(group_a.people[0]).get(group_a.url).content.decode()
    assert "PV ACCORDE" in page and "PV FERME" in page
