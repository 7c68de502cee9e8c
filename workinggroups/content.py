"""Which of this app's models change what members see (sitewide/content_registry.py), and where.

The pages (programmes, groups, reports, recommendations) need no line: every page model does.
``SHOWN_ON`` says which pages, besides its own, show a row: a change to it then renders again
only the pages of the programmes and groups those pages are in (sitewide/scopes.py).
"""

from .models import BoardDecision, RecommendationSource

CHANGES_WHAT_MEMBERS_SEE = (
    "workinggroups.boarddecision",  # a recommendation's status: its page, the tracker, the home page
    "workinggroups.boarddecisionhistory",  # the decision's history, on the recommendation's page
    "workinggroups.followuprecord",  # the same rows as boarddecision, through the follow-up screen
    "workinggroups.workinggroupmembership",  # the members listed on a group's page
    "workinggroups.meetingreportpagetag",  # a report's tags, and the tag filters
    "workinggroups.recommendationpagetag",  # a recommendation's tags, and the tag filters
    "workinggroups.recommendationsource",  # where a recommendation came from, on both pages
    # The workflow's facilitator task: no member page shows it, but an administrator changes it
    # rarely, so a new generation then costs nothing (like Wagtail's workflow tables).
    "workinggroups.facilitatorapprovaltask",
)

CHANGES_NOTHING_MEMBERS_SEE = {}


def _recommendation_page(recommendation):
    """A recommendation's page names the reports it came from and the recommendations merged with it."""
    return [
        *RecommendationSource.objects.filter(recommendation_id=recommendation.pk).values_list(
            "report_id", flat=True
        ),
        *_merged_with(recommendation.pk),
    ]


def _merged_with(recommendation_id):
    return [
        *BoardDecision.objects.filter(recommendation_id=recommendation_id)
        .exclude(merged_into=None)
        .values_list("merged_into_id", flat=True),
        *BoardDecision.objects.filter(merged_into_id=recommendation_id).values_list(
            "recommendation_id", flat=True
        ),
    ]


def _report_page(report):
    """A report's page names the recommendations it fed (those pages name it back)."""
    return list(
        RecommendationSource.objects.filter(report_id=report.pk).values_list("recommendation_id", flat=True)
    )


def _decision(decision):
    """A decision shows on its recommendation's page and the pages that name it; a merge, made or
    undone, on the other recommendation's page too: merges are rare, so they render every page again."""
    if decision.was_ever_merged():
        return None
    return [decision.recommendation_id, *_merged_with(decision.recommendation_id)]


def _history(change):
    decision = BoardDecision.objects.filter(pk=change.decision_id).values_list("recommendation_id", flat=True)
    return list(decision) or None


SHOWN_ON = {
    "workinggroups.recommendationpage": _recommendation_page,
    "workinggroups.meetingreportpage": _report_page,
    "workinggroups.boarddecision": _decision,
    "workinggroups.followuprecord": _decision,
    "workinggroups.boarddecisionhistory": _history,
    "workinggroups.recommendationsource": lambda source: [source.recommendation_id, source.report_id],
    "workinggroups.meetingreportpagetag": lambda tagged: [tagged.content_object_id],
    "workinggroups.recommendationpagetag": lambda tagged: [tagged.content_object_id],
}
