"""Invitations to a meeting by email, each with its .ics (RFC 5546: METHOD:REQUEST, or CANCEL), and the
reminders' emails (meetings/tasks.py sends those).

Meeting.save calls ``write_invitations`` in its transaction when a change is told to those invited
(planned, moved, cancelled, planned again). The emails are written to the outbox in that same
transaction (mailing/): the worker delivers them once it commits, nothing is sent for a change that is
rolled back, and a task queue that cannot be reached loses nothing (the sweep delivers them later).

Each email is named in the outbox (``OutgoingEmail.key``, unique): a version of a meeting (its
SEQUENCE) goes once to an address, whatever saves it again or runs twice.

Nothing here imports the models (Meeting.save imports this module): it reads the meeting it is given.
"""

import hashlib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from languages.formats import human_date
from languages.i18n import language_for
from mailing.backends import send_once
from notifications.events import is_quiet
from workinggroups.models import WorkingGroupMembership

from . import ical

#: The outbox's key is at most this long (OutgoingEmail.key).
KEY_LENGTH = 200


def write_invitations(meeting, change, only=None):
    """Write the invitations of ``change`` ("planned", "moved", "cancelled") to the outbox, in the
    caller's transaction: the worker sends them once it commits. Nothing while history is loaded
    (notifications.events.quiet: the demo), nothing for a meeting that has already ended. Returns the
    number of emails written. ``only``: these guests' addresses alone (added to a meeting already
    planned)."""
    if is_quiet() or meeting.is_past():
        return 0
    method = ical.CANCEL if change == "cancelled" else ical.REQUEST
    written = 0
    members = invited_members(meeting)
    for user in members if only is None else ():
        with translation.override(language_for(user)):
            message = invitation_email(meeting, change, method, user)
        written += send_once(message, email_key("meeting", meeting.pk, meeting.sequence, user.email.lower()))
    addresses = {user.email.lower() for user in members}
    with translation.override(settings.LANGUAGE_CODE):  # guests get the cooperative's language
        for address in meeting.guest_addresses() if only is None else only:
            if address.lower() in addresses:
                continue  # a member listed as a guest too: invited once, as a member
            message = invitation_email(meeting, change, method, address)
            written += send_once(message, email_key("meeting", meeting.pk, meeting.sequence, address.lower()))
    return written


def invited_members(meeting):
    """The group's active members (every role) who have an email address, their profile loaded."""
    memberships = (
        WorkingGroupMembership.objects.filter(page_id=meeting.group_id, user__is_active=True)
        .exclude(user__email="")
        .select_related("user__wagtail_userprofile")
        .order_by("user_id")
    )
    return [membership.user for membership in memberships]


def invitation_email(meeting, change, method, recipient):
    """The invitation (or its cancellation) to ``recipient`` (a user, or a guest's address), in the
    active language, with the meeting's .ics for them."""
    when = when_of(meeting)
    subjects = {
        "planned": gettext("Invitation : %(title)s, %(when)s"),
        "moved": gettext("Réunion déplacée : %(title)s, %(when)s"),
        "cancelled": gettext("Réunion annulée : %(title)s, %(when)s"),
    }
    subject = subjects[change] % {"title": meeting.title, "when": when}
    context = _context(meeting, recipient, change=change, when=when)
    return _email(meeting, "invitation", subject, context, method, recipient)


def reminder_email(meeting, user, answer):
    """The reminder of a meeting to ``user``, who answered ``answer`` (yes or maybe), in the active
    language, with its .ics (METHOD:REQUEST) again."""
    when = when_of(meeting)
    subject = gettext("Rappel : %(title)s, %(when)s") % {"title": meeting.title, "when": when}
    context = _context(meeting, user, when=when, answer=answer)
    return _email(meeting, "reminder", subject, context, ical.REQUEST, user)


def when_of(meeting):
    """The meeting's day and hour as the reader writes them (the day alone when its hours are unknown)."""
    return human_date(meeting.start, "DATETIME_FORMAT" if meeting.time_known else "DATE_FORMAT")


def email_key(*parts):
    """The outbox key of an email: its parts joined by ":", a long address replaced by its digest."""
    key = ":".join(str(part) for part in parts)
    if len(key) <= KEY_LENGTH:
        return key
    head = ":".join(str(part) for part in parts[:-1])
    return f"{head}:{hashlib.sha256(str(parts[-1]).encode()).hexdigest()}"


def _context(meeting, recipient, **extra):
    return {
        "meeting": meeting,
        "user": recipient if hasattr(recipient, "email") else None,
        "group": meeting.group,
        "kind": meeting.get_kind_display(),
        "place_lines": [line.strip() for line in meeting.place.splitlines() if line.strip()],
        "agenda": meeting.agenda_items(),
        "url": ical.meeting_url(meeting),
        "cancelled": meeting.is_cancelled,
        **extra,
    }


def _email(meeting, template, subject, context, method, recipient):
    address = getattr(recipient, "email", recipient)
    text = render_to_string(f"meetings/email/{template}.txt", context)
    html = render_to_string(f"meetings/email/{template}.html", context)
    message = EmailMultiAlternatives(" ".join(subject.split()), text, to=[address])
    message.attach_alternative(html, "text/html")
    body = ical.calendar_of([meeting], meeting.title, method=method, attendee=recipient)
    # Django adds the charset (utf-8) to a text attachment's type.
    message.attach("invitation.ics", body.decode(), f"text/calendar; method={method}")
    return message
