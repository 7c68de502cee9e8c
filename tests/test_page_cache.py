"""The page cache never shows anyone what was rendered for other rights, and never shows old content."""

import datetime
import io
import re

import pytest
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.db import connection
from django.http import HttpResponse, StreamingHttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader
from wagtail.models import Page, PageViewRestriction

from documents.models import AccessRequest
from sitewide.page_cache import PageCacheMiddleware
from workinggroups.choices import MembershipRole
from workinggroups.models import BoardDecision, BoardPosition, WorkingGroupMembership
from workinggroups.roles import board_group

from .factories import (
    PASSWORD,
    MeetingReportPageFactory,
    RecommendationPageFactory,
    UserFactory,
    add_membership,
    make_minutes,
)

pytestmark = pytest.mark.usefixtures("shared_world")

PRIVATE = "Audition confidentielle CANARIPRIVE4471"
MINUTES = "PV CANARIMINUTES8812"
DOWNLOAD = "Télécharger le procès-verbal"
#: What only the board (and group A) may read, in any of its forms on a page.
RESTRICTED = ("CANARIPRIVE4471", MINUTES, DOWNLOAD)


@pytest.fixture
def content(group_a, home):
    minutes = make_minutes(group_a, title=MINUTES)
    report = MeetingReportPageFactory(
        parent=group_a, title="Réunion de novembre", minutes=minutes, live=False
    )
    report.save_revision().publish()
    private = MeetingReportPageFactory(parent=group_a, title=PRIVATE, live=False)
    private.save_revision().publish()
    restriction = PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([group_a.django_group, board_group()])
    recommendation = RecommendationPageFactory(parent=group_a, number=7, title="Une charte", live=False)
    recommendation.save_revision().publish()
    return {"report": report, "private": private, "recommendation": recommendation, "minutes": minutes}


def get(client, url):
    response = client.get(url)
    return response, response.content.decode()


@pytest.mark.parametrize("url", ["home", "group", "report", "programme", "search"])
def test_warmed_by_the_board_read_by_a_member_no_restricted_text(
    content, group_a, programme, board_member, member, as_user, url
):
    urls = {"home": "/", "group": group_a.url, "report": content["report"].url, "programme": programme.url}
    urls["search"] = "/search/?q=CANARIPRIVE4471"
    url = urls[url]
    board_response, board_html = get(as_user(board_member), url)
    assert board_response["X-Page-Cache"] == "miss"
    assert get(as_user(board_member), url)[0]["X-Page-Cache"] == "hit"  # stored
    if url != programme.url:
        assert any(text in board_html for text in RESTRICTED)  # the board's copy holds restricted text

    member_response, member_html = get(as_user(member), url)
    assert member_response.status_code == 200 and member_response["X-Page-Cache"] == "miss"
    if url == urls["search"]:  # the word they typed is shown back to them, never a result
        assert "0 résultat" in member_html and "Audition confidentielle" not in member_html
    else:
        assert not any(text in member_html for text in RESTRICTED)


def test_a_private_page_is_never_served_from_the_cache_to_outsiders(content, board_member, member, as_user):
    url = content["private"].url
    assert get(as_user(board_member), url)[0].status_code == 200
    response = as_user(member).get(url)
    assert response.status_code in (302, 403) and PRIVATE not in response.content.decode()


def test_people_with_the_same_rights_share_a_page_with_their_own_name_and_token(content, group_a, as_user):
    first = UserFactory(username="lecteur-1", first_name="Anne", last_name="Lecture")
    second = UserFactory(username="lecteur-2", first_name="Bruno", last_name="Relecture")
    url = content["report"].url
    assert get(as_user(first), url)[0]["X-Page-Cache"] == "miss"

    client = Client(enforce_csrf_checks=True)
    client.post("/login/", {"username": second.username, "password": PASSWORD})  # no token: refused
    assert "_auth_user_id" not in client.session
    client.get("/login/")
    token = client.cookies["csrftoken"].value
    client.post("/login/", {"username": second.username, "password": PASSWORD, "csrfmiddlewaretoken": token})
    response, html = get(client, url)
    assert response["X-Page-Cache"] == "hit"
    assert "Bruno Relecture" in html and "Anne Lecture" not in html
    assert "intranet:" not in html  # no placeholder left
    form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    # The token in the cached page is this person's: their request for the minutes goes through.
    asked = client.post(
        "/documents/acces/demander/",
        {
            "groupe": group_a.pk,
            "document": content["minutes"].pk,
            "reason": "Pour préparer l'assemblée générale.",
            "next": url,
            "csrfmiddlewaretoken": form_token,
        },
    )
    assert asked.status_code == 302
    assert AccessRequest.objects.filter(requester=second).count() == 1


def test_a_message_is_shown_to_its_person_and_never_cached(content, group_a, member, as_user):
    client = as_user(member)
    url = content["report"].url
    get(client, url)
    client.post(
        "/documents/acces/demander/",
        {"groupe": group_a.pk, "document": content["minutes"].pk, "reason": "Pour comprendre.", "next": url},
    )
    response, html = get(client, url)
    assert "Votre demande est envoyée" in html and "X-Page-Cache" not in response
    # The pending request is shown to them on the next visit, from their own copy.
    response, html = get(client, url)
    assert "est en attente de réponse" in html
    _other, other_html = get(as_user(UserFactory(username="autre-membre")), url)
    assert "Votre demande est envoyée" not in other_html and "en attente de réponse" not in other_html


def publish_report(group):
    page = MeetingReportPageFactory(parent=group, title="Compte rendu tout neuf", live=False)
    page.save_revision().publish()


def unpublish_report(content):
    Page.objects.get(pk=content["report"].pk).specific.unpublish()


def record_decision(content):
    decision = BoardDecision.objects.get(recommendation=content["recommendation"])
    decision.position = BoardPosition.UNDER_ANALYSIS
    decision.save()


def add_a_member(group):
    add_membership(group, UserFactory(username="nouvelle", first_name="Nouvelle", last_name="Venue"))


@pytest.mark.parametrize(
    ("change", "where", "text", "appears"),
    [
        (lambda c, g: publish_report(g), "group", "compte rendu tout neuf", True),
        (lambda c, g: unpublish_report(c), "group", "réunion de novembre", False),
        (lambda c, g: record_decision(c), "recommendation", "en cours d&#x27;analyse", True),
        (lambda c, g: add_a_member(g), "group", "nouvelle venue", True),
    ],
    ids=["publish", "unpublish", "board decision", "membership"],
)
def test_a_change_is_visible_on_the_next_request(
    content, group_a, member, as_user, change, where, text, appears
):
    url = content["recommendation"].url if where == "recommendation" else group_a.url
    client = as_user(member)
    assert (text in get(client, url)[1].lower()) is not appears
    assert get(client, url)[0]["X-Page-Cache"] == "hit"
    change(content, group_a)
    response, html = get(client, url)
    assert response["X-Page-Cache"] == "miss"
    assert (text in html.lower()) is appears


def test_leaving_a_group_closes_its_minutes_at_once(content, group_a, as_user):
    person = group_a.people[0]
    client = as_user(person)
    url = content["report"].url
    assert "Télécharger le procès-verbal" in get(client, url)[1]
    WorkingGroupMembership.objects.filter(page=group_a, user=person).delete()
    group_a.django_group.user_set.remove(person)
    html = get(client, url)[1]
    assert "Télécharger le procès-verbal" not in html and "disponible sur demande" in html


def test_a_granted_access_that_expires_closes_the_cached_page(
    content, group_a, member, board_member, as_user, monkeypatch
):
    grant = AccessRequest.objects.create(
        requester=member,
        working_group=group_a,
        document=content["minutes"],
        reason="Pour lire.",
        status=AccessRequest.Status.GRANTED,
        decided_by=board_member,
        decided_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(minutes=10),
    )
    client = as_user(member)
    url = content["report"].url
    assert "Télécharger le procès-verbal" in get(client, url)[1]
    assert get(client, url)[0]["X-Page-Cache"] == "hit"
    # Time passes: no row changes (so no new generation, and the person's rights kept for this
    # generation are read back), the grant is simply over.
    later = grant.expires_at + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    _response, html = get(client, url)
    assert "Télécharger le procès-verbal" not in html and "disponible sur demande" in html


def test_people_who_use_the_admin_get_their_own_copy(content, group_a, as_user):
    first, second = group_a.people[0], group_a.people[1]  # same groups, both may draft in the admin
    url = content["report"].url
    assert get(as_user(first), url)[0]["X-Page-Cache"] == "miss"
    assert get(as_user(second), url)[0]["X-Page-Cache"] == "miss"
    assert get(as_user(second), url)[0]["X-Page-Cache"] == "hit"


def test_a_hit_costs_a_few_queries_whatever_the_page(content, group_a, member, as_user):
    client = as_user(member)
    for url in ("/", group_a.url, content["report"].url):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response["X-Page-Cache"] == "hit"
        # The session (in the database, never in Redis: docs/operations.md), the person, the content
        # generation (sitewide/generation.py) and the personal bits (notifications/personal.py): their
        # visit with their unread flag, and whether they follow the page, where it has a follow button.
        # Their rights were kept by the first request (below).
        assert len(captured) <= 5, "\n".join(query["sql"][:120] for query in captured)


def test_the_rights_kept_for_a_generation_are_read_again_after_a_change(content, group_a, member, as_user):
    """A hit reads the person's rights from what an earlier request of the same generation kept; a
    change of rights is a new generation, so the kept rights are never used for the new ones."""
    client = as_user(member)
    url = content["private"].url
    assert client.get(url).status_code == 302  # to the login page: Wagtail's answer to a closed page
    assert client.get(content["report"].url)["X-Page-Cache"] == "miss"
    assert client.get(content["report"].url)["X-Page-Cache"] == "hit"
    group_a.django_group.user_set.add(member)  # joins the group: the private report opens
    response, html = get(client, content["report"].url)
    assert response["X-Page-Cache"] == "miss" and DOWNLOAD in html
    assert PRIVATE in get(client, url)[1]
    group_a.django_group.user_set.remove(member)
    assert client.get(url).status_code == 302  # to the login page: Wagtail's answer to a closed page
    response, html = get(client, content["report"].url)
    assert response["X-Page-Cache"] == "miss" and DOWNLOAD not in html


def test_the_rights_of_a_set_of_groups_are_not_handed_to_another(content, group_a, group_b, as_user):
    """What is kept per set of groups (the closed pages and minutes) is kept for that set only: a
    member of group B reading after a member of group A does not get A's minutes."""
    assert DOWNLOAD in get(as_user(group_a.people[0]), content["report"].url)[1]
    outsider = group_b.people[0]
    html = get(as_user(outsider), content["report"].url)[1]
    assert DOWNLOAD not in html and "disponible sur demande" in html
    assert as_user(outsider).get(content["private"].url).status_code == 302


def test_a_facilitator_role_change_changes_what_is_cached(content, group_a, member, as_user):
    """Becoming a facilitator is a change of rights: the next page is rendered for the new rights."""
    client = as_user(member)
    url = group_a.url
    assert MINUTES not in get(client, url)[1]
    add_membership(group_a, member, MembershipRole.FACILITATOR, "staff")
    assert MINUTES in get(client, url)[1]


# Which responses are stored: only a plain page, the same for everyone with these rights


def _response(status=200, content_type="text/html; charset=utf-8", cache_control=None, cookie=False):
    response = HttpResponse("<p>Page</p>", status=status, content_type=content_type)
    if cache_control:
        response["Cache-Control"] = cache_control
    if cookie:
        response.set_cookie("choix", "1")
    return response


def _request(session_modified=False, session=True):
    request = RequestFactory().get("/")
    if session:
        request.session = SessionStore()
        request.session.modified = session_modified
    return request


@pytest.mark.parametrize(
    "request_kwargs, response_kwargs, storable",
    [
        ({}, {}, True),
        ({"session": False}, {}, True),
        ({}, {"cache_control": "private, max-age=0"}, True),  # private: for the person, so ours to keep
        ({}, {"status": 404}, False),
        ({}, {"status": 302}, False),
        ({}, {"content_type": "application/json"}, False),
        ({}, {"cache_control": "no-store"}, False),
        ({}, {"cache_control": "private, no-store, max-age=0"}, False),
        ({"session_modified": True}, {}, False),  # the request changed the session (a message, a choice)
        ({}, {"cookie": True}, False),  # a cookie for this person
    ],
)
def test_only_a_plain_page_that_changed_nothing_about_the_person_is_stored(
    request_kwargs, response_kwargs, storable
):
    assert PageCacheMiddleware._storable(_request(**request_kwargs), _response(**response_kwargs)) is storable


def test_a_streamed_response_is_never_stored():
    streamed = StreamingHttpResponse(iter([b"<p>Page</p>"]), content_type="text/html")
    assert PageCacheMiddleware._storable(_request(), streamed) is False


def test_the_rights_are_worked_out_once_per_request(content, member, rf, django_assert_num_queries):
    from sitewide.page_cache import rights

    request = rf.get("/")
    request.user = member
    first = rights(request)
    with django_assert_num_queries(0):
        assert rights(request) is first


def test_a_pending_request_for_one_document_is_not_served_to_someone_waiting_for_another(
    group_a, as_user, settings
):
    """Two people asking at the same instant for two minutes of the same group: each page says
    which document is waiting for them."""
    first_minutes = make_minutes(group_a, title="PV de janvier", filename="janvier.pdf")
    second_minutes = make_minutes(group_a, title="PV de février", filename="fevrier.pdf")
    reports = []
    for minutes, title in ((first_minutes, "Réunion de janvier"), (second_minutes, "Réunion de février")):
        report = MeetingReportPageFactory(parent=group_a, title=title, minutes=minutes, live=False)
        report.save_revision().publish()
        reports.append(report)
    asking = [UserFactory(username="demande-janvier"), UserFactory(username="demande-fevrier")]
    instant = timezone.now()
    for person, minutes in zip(asking, (first_minutes, second_minutes), strict=True):
        AccessRequest.objects.create(
            requester=person, working_group=group_a, document=minutes, reason="Lecture.", created_at=instant
        )
    listing = group_a.get_parent().url + "comptes-rendus/"
    for person, waiting_for in zip(asking, reports, strict=True):
        html = as_user(person).get(waiting_for.url).content.decode()
        assert "en attente de réponse" in html, person.username
        assert as_user(person).get(listing).status_code == 200
    html = as_user(asking[1]).get(reports[0].url).content.decode()
    assert "en attente de réponse" not in html  # janvier's page, read by the one waiting for février


def test_a_cached_page_is_kept_per_language(content, group_a, as_user):
    """Two people with the same rights, one reading in Dutch: each gets the page in their language."""
    from wagtail.users.models import UserProfile

    french, dutch = UserFactory(username="lectrice"), UserFactory(username="lezer")
    profile = UserProfile.get_for_user(dutch)
    profile.preferred_language = "nl"
    profile.save()
    first = as_user(french).get(group_a.url)
    assert 'lang="fr"' in first.content.decode()
    second = as_user(dutch).get(group_a.url)
    assert 'lang="nl"' in second.content.decode() and second["X-Page-Cache"] == "miss"
    assert as_user(french).get(group_a.url)["X-Page-Cache"] == "hit"


def test_pending_requests_for_two_groups_minutes_are_told_apart(group_a, group_b, as_user):
    """Whole-group requests for A's and for B's minutes, sent at the same instant: only the person
    waiting for A's minutes reads "waiting" on A's page."""
    make_minutes(group_a, title="PV d'avril", filename="avril.pdf")
    for_a, for_b = UserFactory(username="attend-a"), UserFactory(username="attend-b")
    instant = timezone.now()
    for person, group in ((for_a, group_a), (for_b, group_b)):
        AccessRequest.objects.create(
            requester=person, working_group=group, reason="Lire.", created_at=instant
        )
    assert "en attente de réponse" in as_user(for_a).get(group_a.url).content.decode()
    assert "en attente de réponse" not in as_user(for_b).get(group_a.url).content.decode()


def test_the_assembly_pdf_is_kept_like_a_page_never_handed_to_someone_with_other_rights(
    content, group_a, programme, board_member, member, as_user
):
    """Laying the PDF out takes seconds: it is kept under the page cache's key (rights, content
    generation, address, language), so the board's copy, which holds a private recommendation, is
    never the member's."""
    private = RecommendationPageFactory(parent=group_a, number=8, title="Secrète CANARIPDF5120", live=False)
    private.save_revision().publish()
    restriction = PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([group_a.django_group, board_group()])
    url = programme.url + programme.reverse_subpage("assembly_document")
    first = as_user(board_member).get(url)
    assert first["X-Page-Cache"] == "miss" and b"%PDF" in first.content[:8]
    again = as_user(board_member).get(url)
    assert again["X-Page-Cache"] == "hit" and again.content == first.content
    assert again["Content-Disposition"] == first["Content-Disposition"]
    assert again["Content-Type"] == "application/pdf"
    seen = as_user(member).get(url)
    assert seen["X-Page-Cache"] == "miss" and seen.content != first.content
    assert "CANARIPDF5120" not in "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(seen.content)).pages
    )


def test_the_permissions_kept_with_the_rights_follow_a_change_of_group(content, member, as_user):
    """The admin link comes from the person's permissions, kept with their rights: joining the editors
    shows it on the next page, leaving them hides it, cached page or not."""
    from workinggroups.roles import editors_group

    client = as_user(member)
    url = content["report"].url
    assert ">Administration<" not in get(client, url)[1]
    member.groups.add(editors_group())
    assert ">Administration<" in get(client, url)[1]
    assert ">Administration<" in get(client, url)[1]  # read back from what was kept
    member.groups.remove(editors_group())
    assert ">Administration<" not in get(client, url)[1]
