"""Private Atom feeds: at a person's secret address, without a login, only what that person may see
now (checked on every fetch), the same 404 for every refusal, and a key the person can replace."""

import datetime
import html
import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from wagtail.models import PageViewRestriction
from wagtail.users.models import UserProfile

from notifications import feeds
from notifications.models import FeedToken
from workinggroups.choices import AssemblyOutcome, BoardPosition, Fact, FollowUp
from workinggroups.roles import board_group

from .factories import (
    MeetingReportPageFactory,
    ProgrammePageFactory,
    make_private_group,
    make_working_group,
    publish_recommendation,
)

pytestmark = pytest.mark.usefixtures("shared_world")

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "http://testserver"  # WAGTAILADMIN_BASE_URL in the test settings
ALTERNATE = re.compile(r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="([^"]+)">')


def key_of(user):
    return FeedToken.objects.get_or_create(user=user)[0].key


def group_feed(key, group):
    return f"/notifications/flux/{key}/groupe/{group.pk}/"


def programme_feed(key, programme):
    return f"/notifications/flux/{key}/programme/{programme.pk}/"


def fetch(url, client=None):
    """A feed as a feed reader fetches it: no session."""
    return (client or Client()).get(url)


def atom(response):
    """The feed's root element: a 200 answer, parsed as Atom."""
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own answer, in a test
    assert root.tag == f"{ATOM}feed"
    return root


def read(response):
    """The feed's entries: [{title, link, id, summary (HTML unescaped), updated}]."""
    root = atom(response)
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "id": entry.findtext(f"{ATOM}id"),
            "summary": html.unescape(entry.findtext(f"{ATOM}summary") or ""),
            "updated": entry.findtext(f"{ATOM}updated"),
        }
        for entry in root.findall(f"{ATOM}entry")
    ]


def titles(response):
    return [entry["title"] for entry in read(response)]


def publish_report(group, title, summary="<p>Le groupe a avancé.</p>"):
    report = MeetingReportPageFactory(parent=group, title=title, summary=summary, live=False)
    report.save_revision().publish()
    return type(report).objects.get(pk=report.pk)


def restrict_to_board(page):
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([board_group()])
    return restriction


# What the owner reads


def test_the_owner_reads_their_groups_reports_and_recommendations_as_atom_without_a_login(group_a):
    member = group_a.people[0]
    report = publish_report(group_a, "Réunion de lancement", "<p>On a parlé R&amp;D <b>longuement</b>.</p>")
    recommendation = publish_recommendation(group_a, 61, "Une charte éthique").recommendation
    response = fetch(group_feed(key_of(member), group_a))
    assert "Last-Modified" not in response  # what disappears from a feed does not move it
    entries = read(response)
    assert [entry["title"] for entry in entries] == ["Recommandation 61 : Une charte éthique", report.title]
    assert [entry["link"] for entry in entries] == [BASE + recommendation.url, BASE + report.url]
    assert [entry["id"] for entry in entries] == [
        f"tag:testserver,2017:page/{recommendation.pk}",
        f"tag:testserver,2017:page/{report.pk}",
    ]
    assert all(entry["updated"] for entry in entries)
    assert "Position du Conseil : reçue par le Conseil" in entries[0]["summary"]
    assert "Le texte du groupe." in entries[0]["summary"]
    assert "On a parlé R&D longuement." in entries[1]["summary"]  # plain text, its tags dropped
    root = atom(response)
    assert group_a.title in root.findtext(f"{ATOM}title")
    assert root.find(f"{ATOM}link").get("href") == BASE + group_a.url
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "X-Page-Cache" not in response  # never the page cache's


def test_the_programme_feed_tracks_the_three_facts_and_a_change_makes_an_entry_new(
    group_a, programme, board_member
):
    first = publish_recommendation(group_a, 62, "Publiée la première")
    publish_recommendation(group_a, 63, "Publiée la seconde")
    first.record(Fact.POSITION, BoardPosition.UNDER_ANALYSIS, board_member)
    first.record(Fact.POSITION, BoardPosition.ADOPTED, board_member)
    first.record(
        Fact.ASSEMBLY, AssemblyOutcome.ADOPTED, board_member, assembly_date=datetime.date(2018, 6, 19)
    )
    first.record(Fact.FOLLOW_UP, FollowUp.IN_PROGRESS, board_member, note="Démarrée.", progress=40)
    response = fetch(programme_feed(key_of(group_a.people[0]), programme))
    entries = read(response)
    assert [entry["title"] for entry in entries] == [
        "Recommandation 62 : Publiée la première",  # changed since the second was published
        "Recommandation 63 : Publiée la seconde",
    ]
    summary = entries[0]["summary"]
    assert f"Groupe « {group_a.title} »" in summary
    assert "Position du Conseil : adoptée telle quelle" in summary
    assert "Assemblée générale : adoptée par l'assemblée" in summary
    assert "Suivi : en cours (40 %)" in summary
    assert "Suivi" not in entries[1]["summary"]  # not adopted by the assembly: no follow-up yet
    root = atom(response)
    assert root.find(f"{ATOM}link").get("href") == BASE + programme.url + "recommandations/"


def test_a_feed_is_in_its_owners_language_whatever_the_reader_asks(group_a):
    member = group_a.people[0]
    profile = UserProfile.get_for_user(member)
    profile.preferred_language = "en"
    profile.save()
    publish_recommendation(group_a, 64, "Une charte")
    with translation.override("en"):
        received = str(BoardPosition.RECEIVED.label)
    assert received != "reçue par le Conseil"  # the English catalogue has it: the check can fail
    response = Client(headers={"accept-language": "nl"}).get(group_feed(key_of(member), group_a))
    (entry,) = read(response)
    assert received in entry["summary"]
    assert response["Content-Language"] == "en"
    assert atom(response).get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


def test_entries_keep_their_id_when_a_page_is_renamed_and_hostile_titles_stay_text(group_a):
    member = group_a.people[0]
    report = publish_report(group_a, "Avant")
    (before,) = read(fetch(group_feed(key_of(member), group_a)))
    report.title = "<script>alert(1)</script> & après"
    report.save_revision().publish()
    response = fetch(group_feed(key_of(member), group_a))
    (after,) = read(response)
    assert after["id"] == before["id"]
    assert after["title"] == "<script>alert(1)</script> & après"  # XML-escaped, parsed back as text
    assert b"<script>" not in response.content


# Only what the owner may see, now


def test_another_groups_private_pages_never_appear(group_a, programme, board_member):
    private = make_private_group(programme)
    publish_report(private, "Compte rendu CANARIFLUX1")
    publish_recommendation(private, 65, "Recommandation CANARIFLUX2")
    publish_recommendation(group_a, 66, "Ouverte à tous")
    member = group_a.people[0]
    key = key_of(member)
    assert fetch(group_feed(key, private)).status_code == 404
    response = fetch(programme_feed(key, programme))
    assert titles(response) == ["Recommandation 66 : Ouverte à tous"]
    assert b"CANARIFLUX" not in response.content
    # The board may see them: the canaries are there to be hidden.
    board_key = key_of(board_member)
    assert "Compte rendu CANARIFLUX1" in titles(fetch(group_feed(board_key, private)))
    assert "Recommandation 65 : Recommandation CANARIFLUX2" in titles(
        fetch(programme_feed(board_key, programme))
    )


def test_unpublished_pages_and_unpublished_changes_never_appear(group_a, programme):
    member = group_a.people[0]
    withdrawn = publish_report(group_a, "Retiré CANARIRETRAIT")
    withdrawn.unpublish()
    MeetingReportPageFactory(parent=group_a, title="Brouillon CANARIBROUILLON", live=False).save_revision()
    pending = publish_recommendation(group_a, 67, "Titre publié").recommendation
    pending.title = "Titre en attente CANARIATTENTE"
    pending.save_revision()  # a new title waiting for approval
    for response in (
        fetch(group_feed(key_of(member), group_a)),
        fetch(programme_feed(key_of(member), programme)),
    ):
        assert titles(response) == ["Recommandation 67 : Titre publié"]
        assert b"CANARI" not in response.content


def test_a_page_made_private_after_the_feed_was_fetched_is_gone_from_the_next_fetch(group_a, programme):
    member = group_a.people[0]
    key = key_of(member)
    recommendation = publish_recommendation(group_a, 68, "Bientôt réservée au Conseil").recommendation
    publish_report(group_a, "Toujours ouvert")
    assert "Recommandation 68 : Bientôt réservée au Conseil" in titles(fetch(group_feed(key, group_a)))
    assert titles(fetch(programme_feed(key, programme))) == [
        "Recommandation 68 : Bientôt réservée au Conseil"
    ]
    restrict_to_board(recommendation)
    assert titles(fetch(group_feed(key, group_a))) == ["Toujours ouvert"]
    assert titles(fetch(programme_feed(key, programme))) == []
    restrict_to_board(group_a)  # the whole group now: its feed is gone
    assert fetch(group_feed(key, group_a)).status_code == 404


def test_the_key_decides_whose_view_a_feed_is_not_the_session(group_a, programme, board_member, as_user):
    hidden = publish_recommendation(group_a, 69, "Réservée CANARICONSEIL").recommendation
    restrict_to_board(hidden)
    member_url = programme_feed(key_of(group_a.people[0]), programme)
    # The board member, logged in, opens a member's address: the member's view, not the board's.
    response = fetch(member_url, as_user(board_member))
    assert response.status_code == 200 and b"CANARICONSEIL" not in response.content
    assert response["Cache-Control"] == "private, no-store"
    # A member, logged in, opens the board member's address: the board's view (the address is the secret).
    assert (
        b"CANARICONSEIL"
        in fetch(programme_feed(key_of(board_member), programme), as_user(group_a.people[1])).content
    )


# The key


def test_changing_the_key_makes_old_addresses_404_at_once_and_the_new_one_works(group_a, as_user):
    member = group_a.people[0]
    old = key_of(member)
    client = as_user(member)
    assert client.get("/notifications/flux/nouvelle-adresse/").status_code == 405
    assert FeedToken.objects.get(user=member).key == old
    response = client.post("/notifications/flux/nouvelle-adresse/")
    assert response.status_code == 302 and response["Location"] == "/notifications/choix/#flux"
    new = FeedToken.objects.get(user=member).key
    assert new != old and len(new) >= 40
    assert fetch(group_feed(old, group_a)).status_code == 404
    assert fetch(group_feed(new, group_a)).status_code == 200
    assert FeedToken.objects.filter(user=member).count() == 1


def test_changing_the_key_needs_a_login_and_a_csrf_token(group_a):
    member = group_a.people[0]
    old = key_of(member)
    anonymous = Client().post("/notifications/flux/nouvelle-adresse/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(member, backend="accounts.backends.IntranetModelBackend")
    assert forged.post("/notifications/flux/nouvelle-adresse/").status_code == 403
    assert FeedToken.objects.get(user=member).key == old


def test_an_inactive_persons_feeds_answer_404(group_a, programme):
    member = group_a.people[0]
    key = key_of(member)
    assert fetch(group_feed(key, group_a)).status_code == 200
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert fetch(group_feed(key, group_a)).status_code == 404
    assert fetch(programme_feed(key, programme)).status_code == 404


def test_every_refusal_is_the_same_404(group_a, group_b, programme, home):
    member = group_a.people[0]
    key = key_of(member)
    elsewhere = ProgrammePageFactory(parent=home, title="Un autre programme", slug="autre-programme")
    restrict_to_board(elsewhere)
    other_group = make_working_group(elsewhere, members=1, title="Groupe d'ailleurs", slug="ailleurs")
    draft_group = make_working_group(programme, members=1, title="Groupe retiré", slug="retire")
    draft_group.unpublish()
    refused = [
        group_feed("cle-inconnue-" + "x" * 30, group_a),
        group_feed(key[:-1], group_a),
        group_feed(key + "x", group_a),
        group_feed("x" * 65, group_a),
        f"/notifications/flux/{key}%00/groupe/{group_a.pk}/",
        f"/notifications/flux/{key}/groupe/①/",
        f"/notifications/flux/{key}/groupe/{'9' * 30}/",
        f"/notifications/flux/{key}/groupe/0/",
        f"/notifications/flux/{key}/groupe/-{group_a.pk}/",
        f"/notifications/flux/{key}/groupe/{group_a.pk}.0/",
        f"/notifications/flux/{key}/programme/٣/",
        f"/notifications/flux/{key}/programme/{'9' * 30}/",
        group_feed(key, programme),  # a programme is not a group
        programme_feed(key, group_a),  # nor a group a programme
        programme_feed(key, elsewhere),  # another programme, the board's alone
        group_feed(key, other_group),  # a group under it
        group_feed(key, draft_group),  # unpublished
    ]
    client = Client(raise_request_exception=False)
    answers = [client.get(url) for url in refused]
    assert [answer.status_code for answer in answers] == [404] * len(refused)
    assert len({answer.content for answer in answers}) == 1
    assert {(answer["Cache-Control"], answer["Referrer-Policy"]) for answer in answers} == {
        ("private, no-store", "no-referrer")
    }
    # The same addresses with what is right in them work: the refusals are about what was wrong.
    assert fetch(group_feed(key, group_a)).status_code == 200
    assert fetch(programme_feed(key, programme)).status_code == 200
    assert fetch(group_feed(key, group_b)).status_code == 200  # any group the person may see
    assert fetch(programme_feed(key_of(group_a.liaison), elsewhere)).status_code == 200  # on the board


@pytest.mark.parametrize("shape", ["nul\x00", "clé-accentuée", "x" * 65, "", "a/b", "٣٣٣"])
def test_a_key_that_cannot_be_one_is_refused_without_a_query(shape, group_a, django_assert_num_queries):
    key_of(group_a.people[0])
    with django_assert_num_queries(0):  # PostgreSQL refuses a NUL byte: never sent to it
        assert feeds.owner_of(shape) is None


def test_a_feed_refuses_to_be_posted_to(group_a):
    response = Client().post(group_feed(key_of(group_a.people[0]), group_a))
    assert response.status_code == 405


# The cost of a fetch


def test_a_fetch_costs_the_same_queries_with_few_entries_and_many(
    group_a, programme, django_assert_max_num_queries
):
    make_private_group(programme)  # a restriction to read: the rights are worked out, not skipped
    member = group_a.people[0]
    key = key_of(member)
    urls = (group_feed(key, group_a), programme_feed(key, programme))

    def counts():
        client = Client()
        fetch(urls[0], client)  # Wagtail's site root paths, read once into the cache
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert fetch(url, client).status_code == 200
            found.append(len(queries))
        return found

    publish_report(group_a, "Réunion 1")
    publish_recommendation(group_a, 70, "Recommandation 1")
    few = counts()
    for number in range(2, 12):
        publish_report(group_a, f"Réunion {number}")
        publish_recommendation(group_a, 70 + number, f"Recommandation {number}")
    many = counts()
    assert len(read(fetch(urls[0]))) == 22
    assert many == few
    for url in urls:
        # The entries' groups take two: their ids by tree path, then the groups (workinggroups/tree.py).
        with django_assert_max_num_queries(9):
            fetch(url)


def test_a_feed_lists_the_newest_entries_only(group_a, monkeypatch):
    monkeypatch.setattr(feeds, "LIMIT", 3)
    for number in range(1, 4):
        publish_report(group_a, f"Réunion {number}")
        publish_recommendation(group_a, 80 + number, f"Recommandation {number}")
    assert titles(fetch(group_feed(key_of(group_a.people[0]), group_a))) == [
        "Recommandation 83 : Recommandation 3",
        "Réunion 3",
        "Recommandation 82 : Recommandation 2",
    ]


def test_a_feed_lists_fifty_entries_at_most(group_a):
    start = timezone.now() - datetime.timedelta(days=60)
    for day in range(51):
        when = start + datetime.timedelta(days=day)
        MeetingReportPageFactory(
            parent=group_a, title=f"Jour {day}", first_published_at=when, last_published_at=when
        )
    listed = titles(fetch(group_feed(key_of(group_a.people[0]), group_a)))
    assert len(listed) == 50
    assert listed[0] == "Jour 50" and "Jour 0" not in listed


# The person's page


def test_the_choices_page_lists_the_feeds_of_what_the_person_follows_and_makes_the_key_then(
    group_a, group_b, programme, as_user
):
    member = group_a.people[0]
    assert not FeedToken.objects.filter(user=member).exists()
    response = as_user(member).get("/notifications/choix/")
    page = response.content.decode()
    key = FeedToken.objects.get(user=member).key
    url = BASE + group_feed(key, group_a)
    assert "Vos flux privés" in page and "Changer l'adresse secrète" in page
    assert f'<a class="feed-url" href="{url}">' in page
    head = page[: page.index("</head>")]
    mine = BASE + f"/notifications/flux/{key}/notifications/"
    assert ALTERNATE.findall(head) == [mine, url]  # and only in the head of this page, for feed readers
    assert group_feed(key, group_b) not in page  # not followed
    assert programme_feed(key, programme) not in page
    assert response["Cache-Control"] == "private, no-store"
    as_user(member).get("/notifications/choix/")
    assert FeedToken.objects.get(user=member).key == key  # made once, kept


def test_the_board_gets_the_programmes_feed_and_someone_who_follows_nothing_only_their_notifications(
    programme, board_member, member, as_user
):
    page = as_user(board_member).get("/notifications/choix/").content.decode()
    assert programme_feed(key_of(board_member), programme) in page
    page = as_user(member).get("/notifications/choix/").content.decode()
    key = FeedToken.objects.get(user=member).key
    assert ALTERNATE.findall(page) == [BASE + f"/notifications/flux/{key}/notifications/"]


def test_the_notifications_feed_lists_what_its_owner_may_still_see_and_nothing_else(
    group_a, group_b, django_capture_on_commit_callbacks
):
    reader, other = group_a.people[0], group_b.people[0]
    with django_capture_on_commit_callbacks(execute=True):
        publish_recommendation(group_a, 91, "Lisible CANARIFEED1")
        hidden = publish_recommendation(group_a, 92, "Fermée CANARIFEED2").recommendation
        publish_recommendation(group_b, 93, "Autre groupe CANARIFEED3")
    restriction = PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([board_group()])
    body = Client().get(f"/notifications/flux/{key_of(reader)}/notifications/").content.decode()
    assert "CANARIFEED1" in body and "CANARIFEED2" not in body and "CANARIFEED3" not in body
    ids = re.findall(r"<id>(tag:[^<]+)</id>", body)
    assert any(":notification/" in guid for guid in ids)  # one entry per notification, stable
    theirs = Client().get(f"/notifications/flux/{key_of(other)}/notifications/").content.decode()
    assert "CANARIFEED3" in theirs and "CANARIFEED1" not in theirs
    assert Client().get("/notifications/flux/nope/notifications/").status_code == 404


def test_no_feed_address_is_ever_on_a_cached_page(group_a, programme, as_user):
    member = group_a.people[0]
    key = key_of(member)
    publish_recommendation(group_a, 90, "Une charte")
    client = as_user(member)
    client.get("/notifications/choix/")
    for url in ("/", programme.url, group_a.url, group_a.url, programme.url + "recommandations/"):
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert key not in body and "application/atom+xml" not in body
