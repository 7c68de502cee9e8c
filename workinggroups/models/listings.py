"""Queries behind the member pages, written so that their count does not grow with the content."""

from collections import defaultdict
from functools import reduce
from operator import or_

from django.db.models import Count, Q
from django.db.models.functions import Left, Length
from taggit.models import Tag
from wagtail.models import Page

from languages.formats import accentless_key
from privacy.rules import visible_pages

from ..choices import FACT_VALUES, AssemblyOutcome, Fact
from ..people import summarise_memberships
from ..tree import attach_working_groups  # noqa: F401 - where the pages and search import it from
from .decisions import FACT_FIELD, TO_CARRY_OUT, BoardDecision
from .groups import WorkingGroupMembership, WorkingGroupPage
from .recommendations import RecommendationPage, RecommendationPageTag
from .reports import MeetingReportPage, MeetingReportPageTag


def groups_with_people(request, groups):
    """The programme page's groups, each with ``people`` (see summarise_memberships) and counts."""

    groups = list(groups)
    memberships = defaultdict(list)
    for membership in WorkingGroupMembership.objects.filter(page__in=groups).select_related("user"):
        memberships[membership.page_id].append(membership)
    report_counts = _child_counts(request, MeetingReportPage, groups)
    recommendation_counts = _child_counts(request, RecommendationPage, groups)
    for group in groups:
        group.people = summarise_memberships(memberships[group.pk])
        group.report_count = report_counts.get(group.path, 0)
        group.recommendation_count = recommendation_counts.get(group.path, 0)
    return groups


def _child_counts(request, model, groups):
    """Live children of ``model`` under each group, keyed by the group's tree path, in one query."""
    if not groups:
        return {}
    # The groups' parents' grandchildren (a programme's: one prefix for all its groups, which the page
    # table's (depth, path) index finds), counted by the database a row per group; a group not asked
    # for is left out by its key. A programme's groups have some 1,250 children.
    parents = {(group.path[: -Page.steplen], group.depth + 1) for group in groups}
    under_a_group = reduce(or_, (Q(path__startswith=path, depth=depth) for path, depth in parents))
    rows = (
        # From the page table alone, by content type: joined to the model's own table (21,000 reports),
        # the count read that whole table (13 ms, against 3 ms).
        visible_pages(request, Page.objects.type(model).filter(under_a_group))
        .annotate(parent=Left("path", Length("path") - Page.steplen))
        .order_by()
        .values("parent")
        .annotate(count=Count("pk"))
        .values_list("parent", "count")
    )
    wanted = {group.path for group in groups}
    return defaultdict(int, ((parent, count) for parent, count in rows if parent in wanted))


def _tags_in_use(through_model, scope):
    """The tags used in ``scope`` with their counts, by their letters (accents and case aside)."""
    related = through_model._meta.get_field("tag").related_query_name()
    tags = Tag.objects.filter(**{f"{related}__content_object__in": scope}).annotate(use_count=Count(related))
    return sorted(tags, key=lambda tag: accentless_key(tag.name))


#: The tracker's query-string names of the three facts (French, like its other addresses).
FACT_PARAMETERS = {Fact.POSITION: "position", Fact.ASSEMBLY: "assemblee", Fact.FOLLOW_UP: "suivi"}
#: What links made before the assembly's outcome existed said: presented to it, or not yet.
OLD_ASSEMBLY_FILTERS = {"presentee": "presented", "non-presentee": AssemblyOutcome.PENDING}


def fact_filter(fact, value):
    """The recommendations whose ``fact`` is ``value`` (``presented``: any outcome but pending)."""
    field = f"board_decision__{FACT_FIELD[fact]}"
    if fact == Fact.ASSEMBLY and value == "presented":
        return Q(**{f"{field}__in": [v for v in AssemblyOutcome if v != AssemblyOutcome.PENDING]})
    if fact == Fact.FOLLOW_UP and value == "any":
        return Q(board_decision__assembly_outcome__in=TO_CARRY_OUT)
    if fact == Fact.FOLLOW_UP:
        # Only what the assembly adopted has a follow-up: the others are not "not started".
        return Q(**{field: value, "board_decision__assembly_outcome__in": TO_CARRY_OUT})
    return Q(**{field: value})


def recommendations_tracker(request, programme, group=None, tag=None, facts=None):
    """The programme's live recommendations (optionally one group's, one tag's, and with given values of
    the three facts, ``facts`` being {fact: value}), and the tags in use."""

    scope = visible_pages(request, RecommendationPage.objects.descendant_of(group or programme))
    recommendations = (
        scope.order_by("number").prefetch_related("tags").select_related("board_decision__merged_into")
    )
    if tag:
        recommendations = recommendations.filter(tags__slug=tag)
    for fact, value in (facts or {}).items():
        recommendations = recommendations.filter(fact_filter(fact, value))
    return recommendations, _tags_in_use(RecommendationPageTag, scope)


def fact_counts(scope, groups=()):
    """How many of the live recommendations under ``scope`` stand at each value of each fact, in one
    query: ``{fact: [(value, label, count)]}`` for them all and, for each of ``groups``, the same under
    ``by_group[group.pk]``. Values nobody stands at are kept (a chart shows its zeros)."""

    totals = defaultdict(int)
    per_group = defaultdict(int)
    for group_id, _decisions, counts in _fact_rows(scope):
        for (fact, value), count in counts.items():
            totals[fact, value] += count
            per_group[group_id, fact, value] += count
    return (
        _fact_table(lambda fact, value: totals[fact, value]),
        {
            group.pk: _fact_table(lambda fact, value, pk=group.pk: per_group[pk, fact, value])
            for group in groups
        },
    )


def fact_counts_by_programme(scope, programmes):
    """``{programme pk: {fact: [(value, label, count)]}}`` for the live recommendations under ``scope``,
    in two queries whatever the number of programmes (the home page counts them all), and how many
    recommendations that is in all (each has its decision from its first publication: one a row)."""
    parent = {programme.path: programme.pk for programme in programmes}
    steplen = Page.steplen
    counts = defaultdict(int)
    total = 0
    # Read from the page table alone (its depth index): joined to the groups' table, the planner walked
    # every page by id.
    groups = Page.objects.type(WorkingGroupPage).filter(
        depth__in={programme.depth + 1 for programme in programmes}
    )
    programme_of = {pk: parent.get(path[:-steplen]) for pk, path in groups.values_list("pk", "path")}
    for group_id, decisions, group_counts in _fact_rows(scope):
        programme = programme_of.get(group_id)
        for (fact, value), count in group_counts.items():
            counts[programme, fact, value] += count
        total += decisions
    by_programme = {
        programme.pk: _fact_table(lambda fact, value, pk=programme.pk: counts[pk, fact, value])
        for programme in programmes
    }
    return by_programme, total


def _fact_rows(scope):
    """``(group id, decisions, {(fact, value): count})`` for the live recommendations under ``scope``:
    one query, one row a group, each value of each fact a filtered count (the follow-up counted only
    for what the assembly adopted: only that has a follow-up). Grouped on every combination of the
    three facts instead, the home page read and added up some 6,000 rows at full size."""
    columns = {}
    for fact, field in FACT_FIELD.items():
        for value in FACT_VALUES[fact]:
            condition = Q(**{field: value.value})
            if fact == Fact.FOLLOW_UP:
                condition &= Q(**{f"{FACT_FIELD[Fact.ASSEMBLY]}__in": sorted(TO_CARRY_OUT)})
            columns[f"fact_{len(columns)}"] = ((fact, value.value), Count("pk", filter=condition))
    rows = (
        BoardDecision.objects.filter(recommendation__in=scope)
        .values("working_group_id")
        .annotate(decisions=Count("pk"), **{name: count for name, (_key, count) in columns.items()})
        .order_by()
    )
    for row in rows:
        counts = {key: row[name] for name, (key, _count) in columns.items() if row[name]}
        yield row["working_group_id"], row["decisions"], counts


def _fact_table(count_of):
    return {fact: [(v.value, v.label, count_of(fact, v)) for v in FACT_VALUES[fact]] for fact in FACT_FIELD}


def meeting_reports_listing(request, programme, group=None, tag=None):
    """The programme's live meeting reports, newest first, and the tags in use."""

    scope = visible_pages(request, MeetingReportPage.objects.descendant_of(group or programme))
    reports = scope.order_by("-date", "-pk").prefetch_related("tags")
    if tag:
        reports = reports.filter(tags__slug=tag)
    return reports, _tags_in_use(MeetingReportPageTag, scope)
