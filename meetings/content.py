"""Which of this app's models change what members see (sitewide/content_registry.py)."""

CHANGES_WHAT_MEMBERS_SEE = (
    "meetings.meeting",  # the next meetings on the home page, a group's meetings, a report's facts
)
CHANGES_NOTHING_MEMBERS_SEE = {
    # A person's own answer is filled into each response (meetings/personal.py), never cached; the
    # answers' list is on the meeting's own page, which the page cache does not keep.
    "meetings.answer": "who said they would come: personal bits and the meeting's own page, never cached",
}

#: A meeting is shown on its group's pages (and on the home page and the calendar, which every
#: change renders again): sitewide/scopes.py.
SHOWN_ON = {"meetings.meeting": lambda meeting: [meeting.group_id]}
