"""Meetings as iCalendar (RFC 5545): the calendars the feeds serve, the .ics of one meeting, and the
invitations' attachments (RFC 5546: METHOD:REQUEST or CANCEL), built with the ``icalendar`` library.

An event keeps one UID for good (the meeting's ``uid`` at the intranet's host), so a calendar that
reads it again updates it in place; its SEQUENCE is the meeting's, raised by every change a calendar
shows (Meeting.save). Times are written in Europe/Brussels with its VTIMEZONE, so a meeting at 19:00
stays at 19:00 on both sides of a change of summer time; a meeting whose hours were never recorded
(made from an old report) is a whole day. The text is in the language active when called.

Nothing here imports the models (Meeting.save imports the invitations, which build on this module):
it reads the meetings it is given, their group loaded with them.
"""

import datetime
import zoneinfo
from email.utils import parseaddr
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext

from notifications.feeds import absolute

from .choices import Status

PRODID = "-//intranet-cooperative//meetings//FR"  # RFC 5545: who made the calendar, read by no person
REQUEST, CANCEL, PUBLISH = "REQUEST", "CANCEL", "PUBLISH"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def brussels():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def host():
    return urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "localhost"


def uid_of(meeting):
    """The event's UID: the same for the meeting's whole life, whatever changes."""
    return f"{meeting.uid}@{host()}"


def meeting_url(meeting):
    """The meeting page's address on the intranet's own host (never the Host a request names)."""
    return absolute(reverse("meetings:meeting", args=[meeting.pk]))


def calendar_of(meetings, name, method=None, attendee=None):
    """The meetings as one calendar (bytes). ``method``: None for a feed (no METHOD), "PUBLISH" for a
    download, "REQUEST" or "CANCEL" for an invitation, which then names its ORGANIZER (the intranet,
    for the meeting's group) and ``attendee`` (an email address, or a user whose ``email`` it is).
    The addresses in it are the intranet's own, whoever asked."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    now = timezone.now()
    for meeting in meetings:
        calendar.add_component(event_of(meeting, now, method=method, attendee=attendee))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def event_of(meeting, now, method=None, attendee=None):
    event = icalendar.Event()
    event.add("uid", uid_of(meeting))
    event.add("dtstamp", now)
    event.add("created", meeting.created_at)
    event.add("last-modified", meeting.updated_at)
    start, end = _when(meeting)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", summary_of(meeting))
    place = ", ".join(line.strip() for line in meeting.place.splitlines() if line.strip())
    location = place or meeting.video_link
    if location:
        event.add("location", location)
    event.add("url", meeting_url(meeting))
    event.add("description", description_of(meeting))
    event.add("sequence", meeting.sequence)
    cancelled = meeting.status == Status.CANCELLED or method == CANCEL
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("categories", [capfirst(meeting.get_kind_display())])
    if method in (REQUEST, CANCEL):
        # DEFAULT_FROM_EMAIL may be written "Intranet <intranet@coop.be>": the address alone here.
        organizer = icalendar.vCalAddress(f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}")
        organizer.params["cn"] = meeting.group.title
        event.add("organizer", organizer)
    if attendee is not None:
        event.add("attendee", _attendee(attendee))
    return event


def summary_of(meeting):
    return gettext("%(group)s — %(title)s") % {"group": meeting.group.title, "title": meeting.title}


def description_of(meeting):
    lines = [capfirst(meeting.get_kind_display())]
    items = meeting.agenda_items()
    if items:
        lines += ["", gettext("Ordre du jour :"), *(f"- {item}" for item in items)]
    if meeting.video_link:
        lines += ["", gettext("Visioconférence : %(link)s") % {"link": meeting.video_link}]
    lines += ["", gettext("Sur l'intranet : %(link)s") % {"link": meeting_url(meeting)}]
    return "\n".join(lines)


def _when(meeting):
    """DTSTART and DTEND: in Brussels time, or whole days (DTEND the day after the last)."""
    zone = brussels()
    start, end = meeting.start.astimezone(zone), meeting.end.astimezone(zone)
    if meeting.time_known:
        return start, end
    last_day = (end - datetime.timedelta(microseconds=1)).date()
    return start.date(), max(last_day, start.date()) + datetime.timedelta(days=1)


def _attendee(attendee):
    address = getattr(attendee, "email", attendee)
    person = icalendar.vCalAddress(f"mailto:{address}")
    name = attendee.get_full_name() if hasattr(attendee, "get_full_name") else ""
    if name:
        person.params["cn"] = name
    person.params["role"] = "REQ-PARTICIPANT"
    person.params["partstat"] = "NEEDS-ACTION"
    person.params["rsvp"] = "FALSE"  # answers are given on the intranet, not by the calendar
    return person
