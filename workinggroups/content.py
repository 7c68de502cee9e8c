"""Which of this app's models change what members see (sitewide/content_registry.py).

The pages (programmes, groups, reports, recommendations) need no line: every page model does.
"""

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
