from django import template
from django.utils import formats, timezone
from django.utils.html import format_html

from languages.formats import human_date

from ..listing import group_meetings, next_meetings

register = template.Library()


@register.simple_tag
def meeting_when(meeting):
    """ "jeudi 26 octobre 2017, 19:00 - 21:00" in the reader's language and time zone; the day only
    when the hours were never recorded."""
    start, end = timezone.localtime(meeting.start), timezone.localtime(meeting.end)
    day = _day(start)
    if not meeting.time_known:
        return day
    if end.date() != start.date():
        return f"{day}, {_time(start)} – {_day(end)}, {_time(end)}"
    return f"{day}, {_time(start)} – {_time(end)}"


def _day(moment):
    return f"{formats.date_format(moment, 'l')} {human_date(moment)}"


def _time(moment):
    return formats.time_format(moment, "TIME_FORMAT")


@register.simple_tag
def answer_slot(meeting):
    """Where the person's answer goes, filled per request (meetings/personal.py), never cached."""
    group = meeting.group.django_group_id  # the meeting's group is loaded with it (listing.py)
    return format_html("<!--intranet:answer:{}:{}-->", int(meeting.pk), group or "")


@register.inclusion_tag("meetings/includes/next_meetings.html", takes_context=True)
def next_meetings_list(context):
    request = context["request"]
    mine, others = next_meetings(request)
    return {"request": request, "mine": mine, "others": others}


@register.inclusion_tag("meetings/includes/group_meetings.html", takes_context=True)
def group_meetings_list(context, group):
    request = context["request"]
    upcoming, past = group_meetings(request, group)
    return {"request": request, "group": group, "upcoming": upcoming, "past": past}
