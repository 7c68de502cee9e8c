"""Search: what a member finds, and never anything they may not open."""

import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.utils import timezone
from wagtail.models import Collection, PageViewRestriction

from documents.library import RESOURCES
from documents.models import AccessRequest, LibraryDocument

from .factories import (
    MeetingReportPageFactory,
    ProgrammePageFactory,
    RecommendationPageFactory,
    UserFactory,
    WorkingGroupPageFactory,
    make_minutes,
)

pytestmark = pytest.mark.usefixtures("shared_world")

PRIVATE_WORD = "zorglubien"
PRIVATE_SECRET = "Krakatoa9931"
DOCUMENT_WORD = "quetzalcoatl"


def publish(page):
    page.save_revision().publish()
    return type(page).objects.get(pk=page.pk)  # as published, not the stale instance


@pytest.fixture
def content(group_a, group_b):
    charter = publish(
        RecommendationPageFactory(
            parent=group_a,
            number=4,
            title="Rédiger une charte éthique",
            text="<p>Une charte éthique écrite.</p>",
            live=False,
        )
    )
    charter.tags.add("charte")
    publish(charter)
    report = MeetingReportPageFactory(
        parent=group_a,
        title="Audition sur les recommandations",
        summary="<p>Les recommandations du comité.</p>",
        live=False,
    )
    report.tags.add("audition")
    publish(report)
    finances = publish(
        RecommendationPageFactory(
            parent=group_b,
            number=27,
            title="Publier des comptes lisibles",
            text="<p>Transparence financière.</p>",
            live=False,
        )
    )
    return {"charter": charter, "report": report, "finances": finances}


def results(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response.content.decode()


def count_of(html):
    match = re.search(r'class="result-count"[^>]*>\s*(\d+) résultat', html)
    return int(match.group(1)) if match else None


def test_the_search_box_is_on_every_page(content, member, as_user, group_a, home):
    client = as_user(member)
    for url in ("/", group_a.url, content["report"].url, "/documents/acces/mes-demandes/"):
        html = client.get(url).content.decode()
        assert 'role="search"' in html and 'action="/search/"' in html, url


def test_a_member_finds_reports_recommendations_and_groups_best_first(content, member, as_user):
    html = results(as_user(member), q="charte éthique")
    assert count_of(html) >= 1
    assert html.index("Rédiger une <mark>charte</mark> <mark>éthique</mark>") > 0
    assert "Recommandation" in html and "Le comité éthique" in html  # type and group


def test_accents_do_not_matter(content, member, as_user):
    client = as_user(member)
    assert "Rédiger une" in results(client, q="ethique") and "Rédiger une" in results(client, q="ÉTHIQUE")


def test_plurals_and_stems_match_on_postgresql(content, member, as_user):
    if connection.vendor != "postgresql":
        pytest.skip("French stemming is PostgreSQL's; CI runs this on PostgreSQL")
    client = as_user(member)
    assert "Audition sur les" in results(client, q="recommandation")
    assert "Rédiger une" in results(client, q="chartes")


def test_results_show_type_group_date_and_a_marked_excerpt(content, member, as_user):
    html = results(as_user(member), q="recommandations")
    assert "Compte rendu" in html
    assert "Les <mark>recommandations</mark> du comité." in html
    report = content["report"]
    assert report.date.strftime("%Y-%m-%d") in html


def test_filters_by_type_group_and_tag_with_counts(content, member, as_user, group_a, group_b):
    client = as_user(member)
    everything = results(client, q="charte OR comptes OR recommandations")
    assert count_of(everything) == 0  # words are all required; "OR" is just a word here
    html = results(client, q="publier")
    assert "<mark>Publier</mark> des comptes lisibles" in html
    assert f"groupe={group_b.pk}" in html and "Les outils financiers (1)" in html
    by_group = results(client, q="charte", groupe=group_b.pk)
    assert count_of(by_group) == 0
    by_type = results(client, q="charte", type="compte-rendu")
    assert "Rédiger une" not in by_type
    by_tag = results(client, q="éthique", tag="charte")
    assert "Rédiger une" in by_tag and count_of(by_tag) == 1
    assert "charte (1)" in results(client, q="éthique")


def test_pagination_keeps_the_query_and_the_filters(group_a, member, as_user):
    for number in range(30):
        publish(
            RecommendationPageFactory(
                parent=group_a, number=100 + number, title=f"Gouvernance partagée {number}", live=False
            )
        )
    client = as_user(member)
    first = results(client, q="gouvernance", type="recommandation")
    assert count_of(first) == 30
    assert "?q=gouvernance&amp;type=recommandation&amp;page=2" in first
    second = results(client, q="gouvernance", type="recommandation", page=2)
    assert 'start="21"' in second and "Page 2 sur 2" in second
    assert count_of(results(client, q="gouvernance", type="recommandation", page="zzz")) == 30
    assert "Page 2 sur 2" in results(client, q="gouvernance", type="recommandation", page=999)


HOSTILE = [
    "x" * 10_000,
    "!!!???...",
    "'; DROP TABLE wagtailcore_page; --",
    '"charte éthique',
    "charte & (éthique | !comptes)",
    "title:charte",
    "a:* & b <-> c",
    "\\x00\\\\",
    "\u202eéthique",
    "",
    "   ",
]


@pytest.mark.parametrize("query", HOSTILE, ids=[f"query-{n}" for n in range(len(HOSTILE))])
def test_hostile_queries_get_a_message_or_results_never_an_error(content, member, as_user, query):
    html = results(as_user(member), q=query)
    assert count_of(html) is not None or 'role="alert"' in html


def test_an_over_long_query_is_explained(member, as_user, home):
    assert "trop longue" in results(as_user(member), q="x" * 10_000)


def test_anonymous_visitors_are_sent_to_login(home):
    response = Client().get("/search/", {"q": "charte"})
    assert response.status_code == 302 and response["Location"].startswith("/login/")


# Permission filtering, with canaries


@pytest.fixture
def canaries(group_a, group_b, board_member):
    private = publish(
        MeetingReportPageFactory(
            parent=group_a,
            title=f"Compte rendu {PRIVATE_WORD}",
            summary=f"<p>{PRIVATE_WORD} {PRIVATE_SECRET}</p>",
            live=False,
        )
    )
    restriction = PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([group_a.django_group, board_member.groups.get(name="Conseil d'administration")])
    document = make_minutes(group_a, title=f"PV {DOCUMENT_WORD}", filename="pv-canari.pdf")
    return {"page": private, "document": document}


@pytest.fixture
def people(group_a, group_b, member, editor, board_member, superuser):
    grantee = UserFactory(username="beneficiaire")
    AccessRequest.objects.create(
        requester=grantee,
        working_group=group_a,
        reason="Lecture.",
        status="granted",
        expires_at=timezone.now() + datetime.timedelta(days=3),
    )
    return {
        "member": (member, False, False),
        "member of another group": (group_b.people[0], False, False),
        "facilitator of another group": (group_b.facilitator, False, False),
        "editor": (editor, False, False),
        "grantee of the minutes": (grantee, False, True),
        "member of the group": (group_a.people[0], True, True),
        "facilitator": (group_a.facilitator, True, True),
        "board": (board_member, True, True),
        "superuser": (superuser, True, True),
    }


def test_private_page_and_restricted_document_canaries(canaries, people, as_user):
    for role, (user, sees_page, sees_document) in people.items():
        client = as_user(user)
        for word, visible in ((PRIVATE_WORD, sees_page), (DOCUMENT_WORD, sees_document)):
            html = results(client, q=word)
            assert count_of(html) == (1 if visible else 0), f"{role} / {word}"
            if not visible:
                assert PRIVATE_SECRET not in html and "Compte rendu" not in html.split("résultat")[-1], role
                assert "(1)" not in html, f"{role} sees a facet count for {word}"
                # The only trace of the word is the person's own query, echoed back (in the
                # box, the heading, the title, and the language switcher's return address).
                assert html.count(word) == html.count(f'value="{word}"') + html.count(
                    f"« {word} »"
                ) + html.count(f"Recherche : {word}") + html.count(f'value="/search/?q={word}"'), role


def test_restricted_pages_are_not_listed_to_those_outside_either(canaries, group_a, member, as_user):
    html = as_user(member).get(group_a.url).content.decode()
    assert PRIVATE_WORD not in html
    assert PRIVATE_WORD in as_user(group_a.people[0]).get(group_a.url).content.decode()


def test_drafts_and_unpublished_pages_are_never_found(group_a, member, superuser, as_user):
    draft = MeetingReportPageFactory(parent=group_a, title="Brouillon xylophonique", live=False)
    assert draft.live is False
    published = publish(MeetingReportPageFactory(parent=group_a, title="Publié xylophonique", live=False))
    live_page = MeetingReportPageFactory._meta.model.objects.get(pk=published.pk)
    live_page.title = "Publié xylophonique avec brouillon marsupial"
    live_page.save_revision()  # a draft on top of a live page
    for user in (member, superuser):
        client = as_user(user)
        html = results(client, q="xylophonique")
        assert count_of(html) == 1 and "Brouillon" not in html
        assert count_of(results(client, q="marsupial")) == 0
    published.unpublish()
    assert count_of(results(as_user(member), q="xylophonique")) == 0


def test_the_index_follows_publish_move_and_delete(home, member, as_user):
    programme = ProgrammePageFactory(parent=home)
    first, second = (
        WorkingGroupPageFactory(parent=programme, title="Alpha"),
        WorkingGroupPageFactory(parent=programme, title="Beta"),
    )
    page = publish(MeetingReportPageFactory(parent=first, title="Réunion ornithorynque", live=False))
    client = as_user(member)
    assert "Alpha (1)" in results(client, q="ornithorynque")
    page.move(second, pos="last-child")
    assert "Beta (1)" in results(client, q="ornithorynque")
    renamed = type(page).objects.get(pk=page.pk)
    renamed.title = "Réunion pangolin"
    publish(renamed)
    assert count_of(results(client, q="pangolin")) == 1
    type(page).objects.get(pk=page.pk).delete()
    assert count_of(results(client, q="pangolin")) == 0


def test_each_facet_is_counted_with_the_other_filters(group_a, group_b, member, as_user):
    def tagged(page, *tags):
        page.tags.add(*tags)
        return publish(page)

    for number, tags in enumerate([("budget",), ("budget",), ("audit",)]):
        tagged(MeetingReportPageFactory(parent=group_a, title=f"Budget {number}", live=False), *tags)
    tagged(RecommendationPageFactory(parent=group_a, number=1, title="Budget voté", live=False), "budget")
    tagged(MeetingReportPageFactory(parent=group_b, title="Budget des outils", live=False), "budget")
    resources = Collection.objects.get(name=RESOURCES)
    document = LibraryDocument.objects.create(
        title="Budget 2018", collection=resources, file=ContentFile(b"budget", name="budget.txt")
    )
    document.tags.add("budget")

    def facets(**params):
        html = results(as_user(member), q="budget", **params)
        return count_of(html), set(re.findall(r">([^<>()]+) \((\d+)\)", html))

    total, everything = facets()
    assert total == 6
    assert {("Comptes rendus", "4"), ("Recommandations", "1"), ("Documents", "1")} <= everything
    assert {
        ("budget", "5"),
        ("audit", "1"),
        ("Le comité éthique", "4"),
        ("Les outils financiers", "1"),
    } <= everything

    total, reports = facets(type="compte-rendu")
    assert total == 4
    assert {
        ("budget", "3"),
        ("audit", "1"),
        ("Le comité éthique", "3"),
        ("Les outils financiers", "1"),
    } <= reports

    total, by_tag = facets(tag="budget")
    assert total == 5
    assert {("Comptes rendus", "3"), ("Recommandations", "1"), ("Documents", "1")} <= by_tag
    assert ("Le comité éthique", "3") in by_tag

    total, by_group = facets(groupe=group_b.pk)
    assert total == 1
    assert ("budget", "1") in by_group and ("audit", "1") not in by_group


def test_the_group_filter_offers_the_groups_with_the_most_results(programme, member, as_user):
    from search.engine import GROUP_FACETS

    from .factories import make_working_group

    groups = [
        make_working_group(programme, title=f"Groupe {n:02d}", slug=f"g{n}", members=0) for n in range(17)
    ]
    for n, group in enumerate(groups):
        for k in range(1 + n % 3):
            publish(MeetingReportPageFactory(parent=group, title=f"Atelier {n}-{k}", live=False))
    client = as_user(member)
    html = results(client, q="atelier")
    offered = re.findall(r">Groupe (\d\d) \((\d+)\)<", html)
    assert len(offered) == GROUP_FACETS
    assert [int(count) for _name, count in offered] == sorted((int(c) for _n, c in offered), reverse=True)
    # The chosen group stays offered (and marked) even when it is not among the largest.
    smallest = groups[0]  # one result only
    chosen = results(client, q="atelier", groupe=smallest.pk)
    assert "Groupe 00</strong> (1)" in chosen
