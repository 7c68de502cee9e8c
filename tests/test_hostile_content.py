"""Hostile content: script payloads stored everywhere people can type are shown as text, never run."""

import json

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import Comment, Page

from documents.library import collection_for_group
from documents.models import AccessRequest
from documents.pdf import minimal_pdf
from workinggroups.models import MeetingReportPage, WorkingGroupMembership

from .admin_forms import create_form_data
from .factories import make_minutes
from .workflow_helpers import act

pytestmark = pytest.mark.usefixtures("shared_world")

PAYLOADS = [
    "<script>alert('xss1')</script>",
    '"><img src=x onerror=alert(2)>',
    "<svg onload=alert(3)>",
    "'\"><iframe src=javascript:alert(4)>",
    '<a href="javascript:alert(5)">clic</a>',
]
#: What must never reach a browser unescaped (the payloads' active parts).
DANGEROUS = [
    "<script>alert('xss1')",
    "<img src=x onerror",
    "<svg onload",
    "<iframe src=javascript",
    '<a href="javascript:',
]
HOSTILE = " ".join(PAYLOADS)


def typed(text):
    """Rich text as the editor sends it when someone types ``text`` into it."""
    block = {
        "key": "b1",
        "type": "unstyled",
        "text": text,
        "depth": 0,
        "inlineStyleRanges": [],
        "entityRanges": [],
        "data": {},
    }
    return json.dumps({"blocks": [block], "entityMap": {}})


def assert_escaped(html, where):
    for fragment in DANGEROUS:
        assert fragment not in html, f"{fragment!r} unescaped in {where}"


@pytest.fixture
def hostile(group_a, group_b, editor, member, superuser, as_user):
    """Payloads in a title, rich text, StreamField blocks, a comment, a note, a reason and a file name."""
    client = as_user(editor)
    url, data = create_form_data(client, group_a, MeetingReportPage)
    data.update(
        {
            "title": f"Réunion {PAYLOADS[0]}",
            "slug": "reunion-hostile",
            "date": "2018-04-10",
            "kind": "monthly",
            "summary": typed(HOSTILE),
            "guests": HOSTILE,
            "tags": "charte",
            "action-submit": "action-submit",
        }
    )
    assert client.post(url, data).status_code == 302
    report = MeetingReportPage.objects.get(slug="reunion-hostile")
    programme = group_a.get_parent().specific
    programme.testimonials = [("testimonial", {"quote": HOSTILE, "author": PAYLOADS[1], "profile": "user"})]
    programme.save_revision().publish()
    WorkingGroupMembership.objects.filter(page=group_a).update(note=HOSTILE)
    Comment.objects.create(
        page=Page.objects.get(pk=report.pk), user=editor, text=HOSTILE, contentpath="title", position=""
    )
    minutes = make_minutes(group_a, title=f"PV {PAYLOADS[2]}", filename="pv.pdf")
    minutes.original_filename = f"{PAYLOADS[1]}.pdf"
    minutes.save()
    AccessRequest.objects.create(requester=member, working_group=group_a, document=minutes, reason=HOSTILE)
    return {"report": report, "programme": programme, "minutes": minutes}


def test_member_pages_show_payloads_as_text(hostile, group_a, member, as_user):
    act(as_user(group_a.facilitator), hostile["report"], "approve")
    board = as_user(type(member).objects.get(username="conseil-ethique"))
    act(board, hostile["report"], "approve")
    report = MeetingReportPage.objects.get(pk=hostile["report"].pk)
    assert report.live
    client = as_user(group_a.people[0])
    for url in (
        "/",
        hostile["programme"].url,
        group_a.url,
        report.url,
        hostile["programme"].url + "comptes-rendus/",
        "/search/?q=réunion",
        "/documents/acces/mes-demandes/",
    ):
        html = client.get(url).content.decode()
        assert_escaped(html, url)
    page = client.get(report.url).content.decode()
    assert "&lt;script&gt;alert(&#x27;xss1&#x27;)&lt;/script&gt;" in page  # there, as text


def test_admin_listings_dashboard_and_forms_show_payloads_as_text(hostile, group_a, board_member, as_user):
    for user in (group_a.facilitator, board_member):
        client = as_user(user)
        for url in (
            "/admin/",
            f"/admin/pages/{group_a.pk}/",
            f"/admin/pages/{hostile['report'].pk}/edit/",
            f"/admin/pages/{group_a.pk}/edit/",
            "/admin/documents/",
            f"/admin/documents/edit/{hostile['minutes'].pk}/",
            "/admin/documents/accessrequest/",
            f"/admin/documents/accessrequest/inspect/{AccessRequest.objects.get().pk}/",
            f"/admin/documents/accessrequest/grant/{AccessRequest.objects.get().pk}/",
            "/admin/pages/search/?q=Réunion",
            "/admin/reports/workflow/",
        ):
            response = client.get(url)
            if response.status_code == 200:
                body = response.content.decode()
                if response["Content-Type"].startswith("application/json"):
                    body = json.loads(body).get("html", body)
                assert_escaped(body, f"{user.username} {url}")


def test_emails_carry_payloads_as_text(hostile, group_a, member, as_user):
    mail.outbox.clear()
    act(as_user(group_a.facilitator), hostile["report"], "reject", comment=HOSTILE)
    client = as_user(member)
    client.post(
        "/documents/acces/demander/",
        {"groupe": group_a.pk, "reason": f"Pour lire {HOSTILE}"},
    )
    assert mail.outbox
    for message in mail.outbox:
        for html, _type in message.alternatives:
            assert_escaped(html, f"email {message.subject}")


def test_a_javascript_link_is_not_stored_as_a_link(group_a, editor, as_user):
    client = as_user(editor)
    url, data = create_form_data(client, group_a, MeetingReportPage)
    content = {
        "blocks": [
            {
                "key": "a1",
                "type": "unstyled",
                "text": "Cliquez ici",
                "depth": 0,
                "inlineStyleRanges": [],
                "entityRanges": [{"offset": 0, "length": 11, "key": 0}],
                "data": {},
            }
        ],
        "entityMap": {
            "0": {
                "type": "LINK",
                "mutability": "MUTABLE",
                "data": {"url": "javascript:alert(document.cookie)"},
            }
        },
    }
    data.update(
        {
            "title": "Lien piégé",
            "slug": "lien-piege",
            "date": "2018-04-10",
            "kind": "monthly",
            "summary": json.dumps(content),
        }
    )
    assert client.post(url, data).status_code == 302
    stored = MeetingReportPage.objects.get(slug="lien-piege").summary
    assert "Cliquez ici" in stored
    assert "javascript:" not in stored


def test_a_hostile_file_name_is_cleaned_and_shown_escaped(group_a, as_user):
    client = as_user(group_a.facilitator)
    response = client.post(
        "/admin/documents/add/",
        {
            "title": "PV",
            "collection": collection_for_group(group_a).pk,
            "kind": "minutes",
            "file": SimpleUploadedFile("<svg onload=alert(3)>\u202e.pdf", minimal_pdf("PV", ["x"])),
        },
    )
    assert response.status_code == 302
    from documents.models import LibraryDocument

    document = LibraryDocument.objects.get()
    assert "<" not in document.filename and "\u202e" not in document.filename
    assert_escaped(client.get(f"/admin/documents/edit/{document.pk}/").content.decode(), "document edit")
    assert_escaped(client.get("/admin/documents/").content.decode(), "document listing")
