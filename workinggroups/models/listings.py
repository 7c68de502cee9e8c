"""Queries behind the member pages, written so that their count does not grow with the content."""

from collections import defaultdict
from functools import reduce
from operator import or_

from django.db.models import Count, Q
from taggit.models import Tag
from wagtail.models import Page

from languages.formats import accentless_key
from privacy.rules import visible_pages

from ..people import summarise_memberships
from ..tree import attach_working_groups  # noqa: F401 - where the pages and search import it from
from .decisions import (
    AFTER_THE_ASSEMBLY,
    BOARD_POSITIONS,
    BoardDecision,
    board_position_filter,
    board_position_of,
)
from .groups import WorkingGroupMembership
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
    under_a_group = reduce(or_, (Q(path__startswith=group.path, depth=group.depth + 1) for group in groups))
    rows = visible_pages(request, model.objects.filter(under_a_group)).values_list("path", flat=True)
    counts = defaultdict(int)
    for path in rows:
        counts[path[: -Page.steplen]] += 1
    return counts


def _tags_in_use(through_model, scope):
    """The tags used in ``scope`` with their counts, by their letters (accents and case aside)."""
    related = through_model._meta.get_field("tag").related_query_name()
    tags = Tag.objects.filter(**{f"{related}__content_object__in": scope}).annotate(use_count=Count(related))
    return sorted(tags, key=lambda tag: accentless_key(tag.name))


#: The general assembly's fact in the tracker's filter: presented to it, or not yet.
ASSEMBLY_FILTER = {"presentee": True, "non-presentee": False}


def recommendations_tracker(request, programme, group=None, tag=None, position=None, assembly=None):
    """The programme's live recommendations (optionally one group's, tag's, board position's, and
    presented to the general assembly or not), and the tags in use."""

    scope = visible_pages(request, RecommendationPage.objects.descendant_of(group or programme))
    recommendations = scope.order_by("number").prefetch_related("tags").select_related("board_decision")
    if tag:
        recommendations = recommendations.filter(tags__slug=tag)
    if position:
        recommendations = recommendations.filter(board_position_filter(position, prefix="board_decision__"))
    if assembly is not None:
        presented = Q(board_decision__status__in=AFTER_THE_ASSEMBLY)
        recommendations = recommendations.filter(presented if assembly else ~presented)
    return recommendations, _tags_in_use(RecommendationPageTag, scope)


def decision_counts(scope):
    """([(position, label, count)] of the board's positions, number presented to the general assembly)
    for the live recommendations under ``scope``: two facts, counted apart, in one query."""

    rows = (
        BoardDecision.objects.filter(recommendation__in=scope)
        .values_list("status", "position")
        .annotate(count=Count("pk"))
        .order_by()
    )
    positions, presented = {}, 0
    for status, position, count in rows:
        stand = board_position_of(status, position)
        if stand is not None:
            positions[stand] = positions.get(stand, 0) + count
        if status in AFTER_THE_ASSEMBLY:
            presented += count
    return [(value.value, value.label, positions.get(value, 0)) for value in BOARD_POSITIONS], presented


def meeting_reports_listing(request, programme, group=None, tag=None):
    """The programme's live meeting reports, newest first, and the tags in use."""

    scope = visible_pages(request, MeetingReportPage.objects.descendant_of(group or programme))
    reports = scope.order_by("-date", "-pk").prefetch_related("tags")
    if tag:
        reports = reports.filter(tags__slug=tag)
    return reports, _tags_in_use(MeetingReportPageTag, scope)
