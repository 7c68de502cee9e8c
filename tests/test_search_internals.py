"""The internals of Wagtail's search that the search page uses, pinned (search/backend_internals.py).

If an upgrade of Wagtail (or of django-modelsearch, its search backends) changes what
``every_match`` or ``best_entries`` relies on, these tests fail here, not on a member's search page.
"""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import F
from taggit.models import Tag
from wagtail.models import Page
from wagtail.search.query import PlainText

from documents.library import ensure_library
from documents.models import LibraryDocument
from search.backend_internals import best_entries, every_match
from search.engine import AnyOf, _count_by_tag
from workinggroups.models import MeetingReportPage, MeetingReportPageTag, RecommendationPage

from .factories import MeetingReportPageFactory, RecommendationPageFactory

pytestmark = pytest.mark.usefixtures("shared_world")


def publish(page):
    page.save_revision().publish()
    return page


@pytest.fixture
def pages(group_a, group_b):
    """More matches than a page of results, of two types, in two groups, and some that do not match."""
    found = [
        publish(MeetingReportPageFactory(parent=group_a, title=f"Atelier coopératif {n}", live=False))
        for n in range(22)
    ]
    found += [
        publish(
            RecommendationPageFactory(
                parent=group_b, title=f"Recommandation {n}", text="<p>Un atelier coopératif.</p>", live=False
            )
        )
        for n in range(3)
    ]
    publish(MeetingReportPageFactory(parent=group_a, title="Autre chose", live=False))
    MeetingReportPageFactory(parent=group_a, title="Atelier coopératif en brouillon", live=False)
    return found


def test_every_match_is_the_documented_search_unsliced_with_its_score(pages):
    query = PlainText("atelier coopératif", operator="and")
    documented = {
        page.pk: page._score
        for page in Page.objects.live().search(query, order_by_relevance=True).annotate_score("_score")
    }
    internal = dict(
        every_match(Page.objects.live().search(query, order_by_relevance=True), "_score")
        .order_by()
        .values_list("pk", "_score")
    )
    assert set(internal) == set(documented) == {page.pk for page in pages}
    assert internal == pytest.approx(documented)
    assert all(score is not None for score in internal.values())


def test_every_match_keeps_the_filters_given_before_the_search(pages, group_b):
    query = PlainText("atelier", operator="and")
    matched = every_match(Page.objects.live().descendant_of(group_b).search(query), "_score")
    assert set(matched.values_list("pk", flat=True)) == {page.pk for page in pages[-3:]}


def test_every_match_works_for_documents(db):
    resources = ensure_library()[0]
    found = LibraryDocument.objects.create(
        title="Budget participatif", collection=resources, file=ContentFile(b"x", name="budget.txt")
    )
    LibraryDocument.objects.create(
        title="Autre document", collection=resources, file=ContentFile(b"y", name="autre.txt")
    )
    matched = every_match(LibraryDocument.objects.search(PlainText("budget")), "_score")
    assert list(matched.values_list("pk", flat=True)) == [found.pk]
    assert matched.values_list("_score", flat=True).get() is not None


def test_a_search_that_is_not_a_database_queryset_is_refused_with_a_reason():
    class ElasticsearchLikeResults:
        def annotate_score(self, field_name):
            return self

    with pytest.raises(TypeError, match="database search backends"):
        every_match(ElasticsearchLikeResults(), "_score")


# The ids of the matches as one array parameter (PostgreSQL), instead of queryset.extra


def test_any_of_sends_thousands_of_ids_as_one_parameter(db):
    ids = list(range(1, 5001))
    sql, params = MeetingReportPageTag.objects.filter(
        AnyOf(F("content_object_id"), ids)
    ).query.sql_with_params()
    assert sql.endswith('"content_object_id" = ANY(%s)') and params == (ids,)


def test_tags_are_counted_for_the_given_pages_only(group_a):
    tagged = []
    for n, tags in enumerate([("budget", "audit"), ("budget",), ("budget",), ("audit",)]):
        page = MeetingReportPageFactory(parent=group_a, title=f"Réunion {n}", live=False)
        page.tags.add(*tags)
        tagged.append(publish(page))
    given = MeetingReportPageTag.objects.filter(content_object_id__in=[page.pk for page in tagged[:3]])
    counts = _count_by_tag(given)
    assert {Tag.objects.get(pk=pk).name: count for pk, count in counts.items()} == {"budget": 3, "audit": 1}
    assert _count_by_tag(MeetingReportPageTag.objects.none()) == {}


# The best entries ranked on the index table alone (best_entries), against the documented search

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the index table is ranked on PostgreSQL only"
)


@on_postgresql
def test_best_entries_give_the_documented_search_scores_best_first(pages):
    query = PlainText("atelier coopératif", operator="and")
    documented = dict(
        every_match(Page.objects.all().search(query), "_score").order_by().values_list("pk", "_score")
    )
    models = [MeetingReportPage, RecommendationPage]
    entries = best_entries(models, ["atelier", "coopératif"], 100)
    # Every match, drafts included (the index holds them; the search page filters them afterwards).
    assert {pk for pk, _score in entries} == set(documented)
    assert dict(entries) == pytest.approx(documented)
    assert [score for _pk, score in entries] == sorted((score for _pk, score in entries), reverse=True)
    best_three = best_entries(models, ["atelier", "coopératif"], 3)
    assert best_three == entries[:3]


@on_postgresql
def test_best_entries_keep_to_the_given_models(pages):
    entries = best_entries([RecommendationPage], ["atelier"], 100)
    assert {pk for pk, _score in entries} == {page.pk for page in pages[-3:]}


def test_best_entries_answer_on_postgresql_and_say_none_elsewhere(db):
    """Elsewhere the caller ranks through the documented API; on PostgreSQL an empty index has no entry."""
    found = best_entries([RecommendationPage], ["atelier"], 10)
    assert found == ([] if connection.vendor == "postgresql" else None)
