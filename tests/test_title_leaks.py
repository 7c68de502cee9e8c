"""No response names a document someone may not open, or a page revision they may not see (issue 13)."""

import json

import pytest
from django.test import Client

from documents.models import AccessRequest

from .factories import MeetingReportPageFactory, make_minutes
from .workflow_helpers import draft_report_in_admin

pytestmark = pytest.mark.usefixtures("shared_world")

SECRET_MINUTES = "PV SECRETMINUTES9913"
SECRET_DRAFT = "Brouillon SECRETDRAFT5521"
PENDING_TITLE = "Titre en attente SECRETPENDING3307"


@pytest.fixture
def minutes(group_a):
    return make_minutes(group_a, title=SECRET_MINUTES, filename="secret.pdf")


@pytest.fixture
def report(group_a, minutes):
    page = MeetingReportPageFactory(parent=group_a, title="Réunion de septembre", minutes=minutes)
    page.save_revision().publish()
    return page


@pytest.fixture
def draft(group_a, editor, as_user):
    return draft_report_in_admin(as_user(editor), group_a, title=SECRET_DRAFT)


@pytest.fixture
def pending(group_a):
    """A live report of group A whose latest revision, not yet published, changes its title."""
    page = MeetingReportPageFactory(parent=group_a, title="Réunion publiée d'octobre")
    page.save_revision().publish()
    page.title = PENDING_TITLE
    page.save_revision()
    return page


def text_of(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", "replace")
    if response.get("Content-Type", "").startswith("application/json"):
        text += json.dumps(json.loads(body), ensure_ascii=False)
    return text


# The access-request form: the group and the meeting's date, never the title


def test_the_request_form_names_the_group_and_the_meeting_date_only(report, minutes, member, as_user):
    url = f"/documents/acces/demander/?groupe={report.get_parent().pk}&document={minutes.pk}"
    response = as_user(member).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert SECRET_MINUTES not in html
    assert "Le comité éthique" in html and str(report.specific.date.year) in html


def test_the_request_form_does_not_say_which_group_owns_an_id(
    group_a, group_b, minutes, report, member, as_user
):
    """Another group, minutes no report links, and an id that exists nowhere: the same 404."""
    unlinked = make_minutes(group_a, title="PV SECRETUNLINKED1180", filename="seul.pdf")
    client = as_user(member)
    answers = set()
    for group, document_id in (
        (group_b, minutes.pk),
        (group_a, unlinked.pk),
        (group_a, 987654),
        (group_a, "²"),
        (group_a, "12345678901234567890123"),
    ):
        response = client.get(f"/documents/acces/demander/?groupe={group.pk}&document={document_id}")
        answers.add(response.status_code)
        assert SECRET_MINUTES not in text_of(response) and "SECRETUNLINKED" not in text_of(response)
    assert answers == {404}


ODD_GROUPS = ["²", "①", "-3", "99999999999999999999999", "٣", ""]


@pytest.mark.parametrize("groupe", ODD_GROUPS, ids=[f"odd-{n}" for n in range(len(ODD_GROUPS))])
def test_odd_ids_in_the_request_form_are_not_found(groupe, member, as_user, home):
    assert as_user(member).get(f"/documents/acces/demander/?groupe={groupe}").status_code == 404


# Bulk actions: the confirmation lists only what the person may know


@pytest.mark.parametrize("action", ["delete", "add_to_collection", "add_tags"])
def test_document_bulk_confirmations_never_list_minutes_one_may_not_open(group_b, minutes, action, as_user):
    own = make_minutes(group_b, title="PV des finances", filename="fin.pdf")
    client = as_user(group_b.people[0])
    only_theirs = client.get(f"/admin/bulk/documents/librarydocument/{action}/?id={minutes.pk}")
    assert only_theirs.status_code == 404 and SECRET_MINUTES not in text_of(only_theirs)
    mixed = client.get(f"/admin/bulk/documents/librarydocument/{action}/?id={minutes.pk}&id={own.pk}")
    assert SECRET_MINUTES not in text_of(mixed)
    assert "PV des finances" in text_of(mixed)
    everything = client.get(f"/admin/bulk/documents/librarydocument/{action}/?id=all")
    assert SECRET_MINUTES not in text_of(everything)


@pytest.mark.parametrize("action", ["delete", "move", "publish", "unpublish"])
def test_page_bulk_confirmations_never_list_another_groups_drafts(
    group_a, group_b, draft, pending, action, as_user
):
    client = as_user(group_b.facilitator)
    for query in (f"id={draft.pk}&id={pending.pk}", f"id=all&childOf={group_a.pk}", "id=all"):
        response = client.get(f"/admin/bulk/wagtailcore/page/{action}/?{query}")
        assert SECRET_DRAFT not in text_of(response) and PENDING_TITLE not in text_of(response), query


def test_page_bulk_confirmations_still_list_ones_own_pages(group_a, draft, as_user):
    response = as_user(group_a.facilitator).get(f"/admin/bulk/wagtailcore/page/delete/?id={draft.pk}")
    assert response.status_code == 200 and SECRET_DRAFT in text_of(response)


# The page chooser: another group's drafts and pending titles stay out


@pytest.mark.parametrize("role", ["member of B", "facilitator of B", "board"])
def test_the_page_chooser_shows_live_titles_only_to_those_who_may_not_edit(
    group_a, group_b, draft, pending, board_member, as_user, role
):
    person = {
        "member of B": group_b.people[0],
        "facilitator of B": group_b.facilitator,
        "board": board_member,
    }[role]
    client = as_user(person)
    for url in (
        f"/admin/choose-page/{group_a.pk}/",
        f"/admin/choose-page/{group_a.pk}/?p=1&page_type=wagtailcore.page",
        "/admin/choose-page/search/?q=reunion",
        "/admin/choose-page/search/?q=brouillon",
        "/admin/choose-page/search/?q=secretdraft5521",
    ):
        text = text_of(client.get(url))
        assert SECRET_DRAFT not in text and PENDING_TITLE not in text, url
    assert "Réunion publiée d&#x27;octobre" in text_of(client.get(f"/admin/choose-page/{group_a.pk}/"))


def test_those_who_may_edit_see_drafts_and_pending_titles_in_the_chooser(
    group_a, draft, pending, editor, as_user
):
    text = text_of(as_user(editor).get(f"/admin/choose-page/{group_a.pk}/"))
    assert SECRET_DRAFT in text and PENDING_TITLE in text


# "My requests" names the meeting, not the document


def test_my_requests_name_the_meeting_not_the_document(report, minutes, member, as_user):
    AccessRequest.objects.create(
        requester=member, working_group=report.get_parent().specific, document=minutes, reason="Pour lire."
    )
    html = as_user(member).get("/documents/acces/mes-demandes/").content.decode()
    assert SECRET_MINUTES not in html and "Le comité éthique" in html


def test_anonymous_gets_the_login_page_and_no_title(report, minutes):
    response = Client().get(
        f"/documents/acces/demander/?groupe={report.get_parent().pk}&document={minutes.pk}"
    )
    assert response.status_code == 302 and SECRET_MINUTES not in text_of(response)


def test_the_page_chooser_chosen_step_names_only_pages_one_may_know(
    group_a, group_b, draft, pending, as_user
):
    client = as_user(group_b.facilitator)
    for query in (f"id={draft.pk}", f"id={pending.pk}", f"id={group_a.pk}&id={draft.pk}", "id=²", "id="):
        response = client.get(f"/admin/choose-page/chosen-multiple/?{query}")
        assert response.status_code == 404, query
        assert SECRET_DRAFT not in text_of(response) and PENDING_TITLE not in text_of(response)
    settled = client.get(f"/admin/choose-page/chosen-multiple/?id={group_a.pk}")
    assert settled.status_code == 200 and "Le comité éthique" in text_of(settled)


def test_a_pasted_address_is_not_turned_into_a_page_with_its_draft_title(group_a, group_b, pending, as_user):
    response = as_user(group_b.facilitator).post(
        "/admin/choose-external-link/",
        {
            "external-link-chooser-url": f"http://testserver{pending.url}",
            "external-link-chooser-link_text": "",
        },
    )
    assert response.status_code == 200 and PENDING_TITLE not in text_of(response)


def test_an_editor_sees_the_reports_minutes_by_meeting_date_not_title(report, minutes, editor, as_user):
    html = as_user(editor).get(f"/admin/pages/{report.pk}/edit/").content.decode()
    assert SECRET_MINUTES not in html
    assert "Procès-verbal du groupe" in html or "Procès-verbal de la réunion du" in html
    assert (
        SECRET_MINUTES
        in as_user(report.get_parent().specific.facilitator)
        .get(f"/admin/pages/{report.pk}/edit/")
        .content.decode()
    )


def test_the_answer_to_a_request_names_the_meeting_not_the_document(
    report, minutes, member, board_member, as_user
):
    from django.core import mail

    request = AccessRequest.objects.create(
        requester=member, working_group=report.get_parent().specific, document=minutes, reason="Pour lire."
    )
    mail.outbox.clear()
    as_user(board_member).post(
        f"/admin/documents/accessrequest/refuse/{request.pk}/", {"note": "Pas maintenant."}
    )
    to_member = [message for message in mail.outbox if member.email in message.to]
    assert to_member
    for message in to_member:
        assert SECRET_MINUTES not in message.subject + message.body
        assert all(SECRET_MINUTES not in content for content, _type in message.alternatives)
