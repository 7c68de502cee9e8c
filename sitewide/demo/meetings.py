"""The meetings of a demo group: its monthly meetings on its own day of the month, and its extras."""

import datetime
from types import SimpleNamespace


def nth_weekday(year, month, weekday, week):
    """The ``week``-th ``weekday`` (Monday is 0) of a month."""
    first = datetime.date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    return first + datetime.timedelta(days=offset + 7 * (week - 1))


def monthly_meetings(group, monthly):
    """The group's meetings of the monthly arc (meetings.yaml), on the group's weekday and week."""
    return [
        SimpleNamespace(
            date=nth_weekday(*meeting.month, group.monthly_meeting.weekday, group.monthly_meeting.week),
            kind="monthly",
            title=meeting.title,
            guests="",
            summary=meeting.summary.format(focus=group.focus),
            decisions=meeting.decisions,
            next_steps=meeting.next_steps,
            tags=group.tags + meeting.tags,
        )
        for meeting in monthly
    ]


def all_meetings(group, monthly):
    """Every meeting of the group, monthly and extra (hearings, visits), by date."""
    return sorted(monthly_meetings(group, monthly) + list(group.extra_meetings), key=lambda m: m.date)
