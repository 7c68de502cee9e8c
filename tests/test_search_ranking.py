"""Search ranks the best matches among a bounded set of candidates (search/engine.py): the same
results, in the same order, as ranking every match, and never a page the person may not open.

On PostgreSQL the candidates are the best entries of the whole search index, drafts and private
pages included, kept when the person may open them; elsewhere every match is ranked.
"""

import re

import pytest
from django.db import connection
from wagtail.models import PageViewRestriction

import search.engine

from .factories import MeetingReportPageFactory, RecommendationPageFactory, make_working_group

pytestmark = pytest.mark.usefixtures("shared_world")


def publish(page):
    page.save_revision().publish()
    return type(page).objects.get(pk=page.pk)


def titles(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    html = response.content.decode()
    found = re.findall(r'class="search-result__title"><a [^>]*>(.*?)<(?:span|/a)', html)
    return [re.sub(r"</?mark>", "", title) for title in found]


@pytest.fixture
def atelier(programme, group_a, group_b):
    """45 visible matches with different scores (the shorter the title, the higher), in two groups
    and two types, some tagged; and, ranked above them all, 25 pages of a closed group and a
    private page."""
    visible = []
    for n in range(30):
        words = " ".join(["sujet"] * (n % 7))
        page = MeetingReportPageFactory(parent=group_a, title=f"Atelier {words} {n}", live=False)
        if n % 3 == 0:
            page.tags.add("budget")
        visible.append(publish(page))
    for n in range(15):
        words = " ".join(["thème"] * (n % 5))
        visible.append(
            publish(
                RecommendationPageFactory(
                    parent=group_b, number=200 + n, title=f"Atelier {words} r{n}", live=False
                )
            )
        )
    closed = make_working_group(programme, title="Groupe fermé", slug="ferme", members=0)
    closed_restriction = PageViewRestriction.objects.create(
        page=closed, restriction_type=PageViewRestriction.GROUPS
    )
    closed_restriction.groups.set([closed.django_group])
    for _n in range(25):
        publish(MeetingReportPageFactory(parent=closed, title="Atelier", live=False))
    private = publish(MeetingReportPageFactory(parent=group_a, title="Atelier secret", live=False))
    restriction = PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([group_a.django_group])
    return {"visible": visible, "private": private}


def every_match_ranked(monkeypatch):
    """Rank every match, as the search did before candidates."""
    monkeypatch.setattr(search.engine, "best_entries", lambda *args, **kwargs: None)


# No margin: the first candidates are the closed group's pages and the private one, so that more are taken.
CASES = [
    ({}, 100),
    ({}, 0),
    ({"type": "recommandation"}, 0),
    ({"tag": "budget"}, 0),
    ({"page": "2"}, 0),
    ({"page": "3"}, 100),
]


@pytest.mark.parametrize(
    ("params", "margin"), CASES, ids=["all", "all-no-margin", "type", "tag", "page-2", "page-3"]
)
def test_candidates_give_the_order_of_ranking_every_match(
    atelier, member, as_user, monkeypatch, params, margin
):
    monkeypatch.setattr(search.engine, "CANDIDATE_MARGIN", margin)
    asked = []
    best_entries = search.engine.best_entries
    monkeypatch.setattr(
        search.engine,
        "best_entries",
        lambda *args, **kwargs: asked.append(args) or best_entries(*args, **kwargs),
    )
    client = as_user(member)
    shown = titles(client, q="atelier", **params)
    assert shown, params
    # On PostgreSQL the candidates are taken once, twice when the first ones were private (elsewhere
    # they are asked for once, and there are none).
    rounds = 2 if margin == 0 and not params else 1
    assert len(asked) == (rounds if connection.vendor == "postgresql" else 1)
    assert "Atelier secret" not in shown and "Atelier" not in shown  # private, and in the closed group
    every_match_ranked(monkeypatch)
    assert shown == titles(client, q="atelier", **params)


def test_too_many_candidates_needed_falls_back_to_ranking_every_match(atelier, member, as_user, monkeypatch):
    monkeypatch.setattr(search.engine, "CANDIDATE_MARGIN", 0)
    monkeypatch.setattr(search.engine, "MAX_CANDIDATES", 50)
    client = as_user(member)
    shown = titles(client, q="atelier", page="3")
    assert len(shown) == 5 and "Atelier secret" not in shown
    every_match_ranked(monkeypatch)
    assert shown == titles(client, q="atelier", page="3")


def test_the_private_page_is_found_by_those_who_may_open_it(atelier, group_a, member, as_user):
    for person, sees in ((group_a.people[0], True), (member, False)):
        client = as_user(person)
        shown = [title for page in "123" for title in titles(client, q="atelier", page=page)]
        assert ("Atelier secret" in shown) is sees
        assert "Atelier" not in shown  # the closed group's, for neither
