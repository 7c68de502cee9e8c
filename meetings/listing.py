"""Which meetings a member page lists: the next ones (the person's groups first), a group's upcoming
and past ones, a month of the calendar. Each is one query, narrowed to what the reader may see."""

import calendar
import datetime

from django.utils import timezone

from .rules import member_group_ids, visible_meetings

#: How many meetings the home page and a group page list at most.
NEXT_LIMIT = 6
PAST_LIMIT = 12


def next_meetings(request, limit=NEXT_LIMIT):
    """``(mine, others)``: the next meetings of the person's groups, then those of the other groups.

    A person's groups are part of their rights, which the page cache's key holds: two readers of one
    cached home page have the same groups."""
    upcoming = visible_meetings(request).upcoming().select_related("group")
    mine_ids = member_group_ids(request.user)
    mine = list(upcoming.filter(group__in=mine_ids)[:limit]) if mine_ids else []
    return mine, list(upcoming.exclude(group__in=mine_ids)[:limit])


#: How far back a group page lists past meetings (the calendar has the rest).
PAST_DAYS = 400
#: At most this many rows are read for a group page: a year of meetings, and those planned.
GROUP_ROWS = 200


def group_meetings(request, group, now=None):
    """``(upcoming, past)`` meetings of ``group``, as far as the reader may see it, in one query."""
    now = now or timezone.now()
    rows = list(
        visible_meetings(request)
        .filter(group=group, end__gte=now - datetime.timedelta(days=PAST_DAYS))
        .select_related("group")
        .order_by("start", "pk")[:GROUP_ROWS]
    )
    upcoming = [meeting for meeting in rows if meeting.end >= now][:NEXT_LIMIT]
    past = [meeting for meeting in reversed(rows) if meeting.end < now][:PAST_LIMIT]
    return upcoming, past


def month_bounds(year, month):
    """The first instant of the month and of the next one, in the intranet's time zone."""
    zone = timezone.get_current_timezone()
    first = datetime.datetime(year, month, 1, tzinfo=zone)
    following = datetime.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    return first, following


def month_grid(year, month, meetings):
    """Weeks of days (Monday first) for the month, each day ``(date or None, [meetings that day])``."""
    by_day = {}
    for meeting in meetings:
        by_day.setdefault(timezone.localtime(meeting.start).date(), []).append(meeting)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return [
        [(day, by_day.get(day, [])) if day.month == month else (None, []) for day in week] for week in weeks
    ]
