"""Invitations and reminders: written to the outbox with the meeting's change, each with its .ics
(RFC 5546), in each person's language, once per version and address; reminders to those who come."""

import datetime

import icalendar
import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone, translation
from wagtail.users.models import UserProfile

from languages.formats import human_date
from mailing.models import OutgoingEmail
from meetings import invitations, tasks
from meetings.choices import Response, Status
from meetings.models import Answer, Meeting
from notifications.events import quiet

from .factories import UserFactory

pytestmark = pytest.mark.usefixtures("shared_world")

GUESTS = "Marie Experte (Université) <Marie.Experte@example.be>\nJean Sans Adresse (Ville)"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs the block's commit hooks (the outbox's deliveries) at its end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def plan(group, committed, start=None, **fields):
    start = (start or timezone.now() + datetime.timedelta(days=20)).replace(second=0, microsecond=0)
    fields.setdefault("place", "Rue de la Loi 16, Bruxelles")
    fields.setdefault("title", "Réunion de travail")
    with committed():
        return Meeting.objects.create(
            group=group, start=start, end=start + datetime.timedelta(hours=2), **fields
        )


def members(group):
    return [group.facilitator, group.liaison, *group.people]


def ics(message):
    """The message's one attachment, parsed: (its MIME type, the calendar, its one event)."""
    (attachment,) = message.attachments
    filename, content, mimetype = attachment
    assert filename == "invitation.ics"
    cal = icalendar.Calendar.from_ical(content)
    (event,) = cal.walk("VEVENT")
    return mimetype, cal, event


def by_address(messages=None):
    found = {}
    for message in mail.outbox if messages is None else messages:
        (address,) = message.to
        assert address not in found, f"two emails to {address}"
        found[address] = message
    return found


def move(meeting, committed, hours=1):
    with committed():
        meeting.start += datetime.timedelta(hours=hours)
        meeting.end += datetime.timedelta(hours=hours)
        meeting.save()


def test_planning_invites_each_member_and_each_guest_with_an_address(group_a, committed):
    meeting = plan(group_a, committed, guests=GUESTS)
    sent = by_address()
    expected = {person.email for person in members(group_a)} | {"Marie.Experte@example.be"}
    assert set(sent) == expected  # the guest without an address gets nothing, nor does anyone else
    when = human_date(meeting.start, "DATETIME_FORMAT")
    for address, message in sent.items():
        assert message.subject == f"Invitation : Réunion de travail, {when}"
        assert "Rue de la Loi 16" in message.body and "Le comité éthique" in message.body
        html, kind = message.alternatives[0]
        assert kind == "text/html" and "<h1" in html and 'lang="fr"' in html
        mimetype, cal, event = ics(message)
        assert mimetype.startswith("text/calendar; method=REQUEST")
        assert str(cal["method"]) == "REQUEST"
        assert str(event["uid"]) == f"{meeting.uid}@testserver" and event["sequence"] == 0
        assert str(event["status"]) == "CONFIRMED" and event.decoded("dtstart") == meeting.start
        organizer = event["organizer"]
        assert str(organizer) == f"mailto:{settings.DEFAULT_FROM_EMAIL}"
        assert organizer.params["CN"] == "Le comité éthique"
        attendee = event["attendee"]
        assert str(attendee).lower() == f"mailto:{address}".lower()
        assert attendee.params["RSVP"] == "FALSE"
    assert "intranet" in sent[group_a.people[0].email].body  # members answer there
    keys = set(OutgoingEmail.objects.values_list("key", flat=True))
    assert keys == {f"meeting:{meeting.pk}:0:{address.lower()}" for address in expected}
    assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT).count() == len(expected)


def test_a_dutch_member_is_invited_in_dutch_and_a_guest_in_french(group_a, committed):
    dutch = group_a.people[1]
    profile = UserProfile.get_for_user(dutch)
    profile.preferred_language = "nl"
    profile.save()
    meeting = plan(group_a, committed, guests=GUESTS)
    sent = by_address()
    with translation.override("nl"):
        when_nl = human_date(meeting.start, "DATETIME_FORMAT")
    when_fr = human_date(meeting.start, "DATETIME_FORMAT")
    assert when_nl != when_fr
    message = sent[dutch.email]
    assert when_nl in message.subject and when_nl in message.body
    assert 'lang="nl"' in message.alternatives[0][0]
    _mimetype, _cal, event = ics(message)
    assert [str(category) for category in event.categories] == ["Maandelijkse vergadering"]
    guest = sent["Marie.Experte@example.be"]
    assert when_fr in guest.subject and 'lang="fr"' in guest.alternatives[0][0]
    assert [str(category) for category in ics(guest)[2].categories] == ["Réunion mensuelle"]


def test_the_emails_are_written_with_the_change_and_sent_once_it_commits(group_a, committed):
    with committed():
        meeting = plan(group_a, lambda: transaction.atomic())
        assert OutgoingEmail.objects.filter(key__startswith=f"meeting:{meeting.pk}:").count() == 5
        assert mail.outbox == []  # not before the commit
    assert len(mail.outbox) == 5


def test_a_rolled_back_change_writes_nothing(group_a, committed):
    meeting = plan(group_a, committed)
    mail.outbox.clear()
    with committed():
        try:
            with transaction.atomic():
                meeting.status = Status.CANCELLED
                meeting.save()
                raise RuntimeError("the request failed")
        except RuntimeError:
            pass
    assert (
        mail.outbox == []
        and not OutgoingEmail.objects.filter(key__startswith=f"meeting:{meeting.pk}:1:").exists()
    )


def test_a_move_is_a_new_request_with_a_higher_sequence(group_a, committed):
    meeting = plan(group_a, committed)
    mail.outbox.clear()
    move(meeting, committed, hours=3)
    sent = by_address()
    assert set(sent) == {person.email for person in members(group_a)}
    for message in sent.values():
        assert message.subject.startswith("Réunion déplacée : Réunion de travail, ")
        _mimetype, cal, event = ics(message)
        assert str(cal["method"]) == "REQUEST" and event["sequence"] == 1
        assert event.decoded("dtstart") == meeting.start and str(event["uid"]) == f"{meeting.uid}@testserver"


def test_a_cancellation_is_a_cancel_and_planning_again_a_request(group_a, committed):
    meeting = plan(group_a, committed, guests=GUESTS)
    mail.outbox.clear()
    with committed():
        meeting.status = Status.CANCELLED
        meeting.save()
    sent = by_address()
    assert len(sent) == 6
    for message in sent.values():
        assert message.subject.startswith("Réunion annulée : ")
        mimetype, cal, event = ics(message)
        assert mimetype.startswith("text/calendar; method=CANCEL")
        assert str(cal["method"]) == "CANCEL" and str(event["status"]) == "CANCELLED"
        assert event["sequence"] == 1
    mail.outbox.clear()
    with committed():
        meeting.status = Status.PLANNED
        meeting.save()
    for message in by_address().values():
        _mimetype, cal, event = ics(message)
        assert message.subject.startswith("Invitation : ")
        assert str(cal["method"]) == "REQUEST" and event["sequence"] == 2
        assert str(event["status"]) == "CONFIRMED"


def test_saving_without_a_change_or_again_sends_nothing_more(group_a, committed):
    meeting = plan(group_a, committed)
    count = len(mail.outbox)
    with committed():
        meeting.save()
        Meeting.objects.get(pk=meeting.pk).save()
        meeting.agenda = "Un point"  # a change calendars show, told to nobody by email
        meeting.save()
    assert len(mail.outbox) == count
    with committed():  # the same version again (a retry, a second process): never twice
        assert invitations.write_invitations(Meeting.objects.get(pk=meeting.pk), "moved") == 5
        assert invitations.write_invitations(Meeting.objects.get(pk=meeting.pk), "moved") == 0
    assert len(mail.outbox) == count + 5


def test_who_is_not_invited(group_a, committed):
    group_a.people[0].is_active = False
    group_a.people[0].save()
    group_a.people[1].email = ""
    group_a.people[1].save()
    UserFactory(username="pas-du-groupe")
    plan(group_a, committed)
    assert set(by_address()) == {group_a.facilitator.email, group_a.liaison.email, group_a.people[2].email}


def test_nothing_while_history_is_loaded_nor_for_a_meeting_already_over(group_a, committed):
    with quiet():
        meeting = plan(group_a, committed)
        move(meeting, committed)
    past = plan(group_a, committed, start=timezone.now() - datetime.timedelta(days=3))
    move(past, committed)
    with committed():
        past.status = Status.CANCELLED
        past.save()
    assert mail.outbox == [] and not OutgoingEmail.objects.exists()
    move(meeting, committed)  # outside quiet(), it is news again
    assert len(mail.outbox) == 5


# Reminders


def answer(meeting, user, response):
    Answer.objects.update_or_create(meeting=meeting, user=user, defaults={"response": response})


def test_reminders_go_to_those_who_come_or_might_once_per_start(group_a, group_b, committed):
    now = timezone.now()
    soon = plan(group_a, committed, start=now + datetime.timedelta(hours=20))
    later = plan(group_a, committed, start=now + datetime.timedelta(hours=30))
    cancelled = plan(group_b, committed, start=now + datetime.timedelta(hours=10))
    _facilitator, _liaison, yes, maybe, no = members(group_a)
    answer(soon, yes, Response.YES)
    answer(soon, maybe, Response.MAYBE)
    answer(soon, no, Response.NO)
    answer(later, yes, Response.YES)
    answer(cancelled, group_b.people[0], Response.YES)
    with committed():
        cancelled.status = Status.CANCELLED
        cancelled.save()
    mail.outbox.clear()

    with committed():
        assert tasks.remind(now) == 2
    sent = by_address()
    assert set(sent) == {yes.email, maybe.email}
    for message in sent.values():
        assert message.subject.startswith("Rappel : Réunion de travail, ")
        mimetype, cal, event = ics(message)
        assert mimetype.startswith("text/calendar; method=REQUEST") and str(cal["method"]) == "REQUEST"
        assert str(event["uid"]) == f"{soon.uid}@testserver"
    assert "peut-être" in sent[maybe.email].body and "peut-être" not in sent[yes.email].body
    start = soon.start.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%S")
    assert OutgoingEmail.objects.filter(key=f"meeting-reminder:{soon.pk}:{yes.pk}:{start}").exists()

    mail.outbox.clear()
    with committed():
        assert tasks.remind(now + datetime.timedelta(minutes=59)) == 0  # the next hour's run
    assert mail.outbox == []

    move(soon, committed, hours=1)  # moved: a new start, a new reminder
    mail.outbox.clear()
    with committed():
        assert tasks.remind(now) == 2
    assert set(by_address()) == {yes.email, maybe.email}


def test_reminders_skip_who_left_the_group_and_run_from_the_task_and_the_command(group_a, committed):
    now = timezone.now()
    soon = plan(group_a, committed, start=now + datetime.timedelta(hours=5))
    stays, leaves = group_a.people[0], group_a.people[1]
    answer(soon, stays, Response.YES)
    answer(soon, leaves, Response.YES)
    group_a.memberships.filter(user=leaves).delete()
    mail.outbox.clear()
    with committed():
        tasks.send_reminders.apply()
    assert set(by_address()) == {stays.email}
    mail.outbox.clear()
    with committed():
        call_command("meetings", "--reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert mail.outbox == []


def test_the_reminders_run_every_hour():
    entry = settings.CELERY_BEAT_SCHEDULE["meeting-reminders"]
    assert entry["task"] == tasks.send_reminders.name == "meetings.tasks.send_reminders"
    assert entry["schedule"].minute == {5} and len(entry["schedule"].hour) == 24


# What the review found: changes that must (or must not) tell those invited


def test_saving_what_a_browser_sends_back_unchanged_moves_nothing_and_sends_nothing(group_a, committed):
    meeting = plan(group_a, committed, place="Rue de la Loi 16\n1000 Bruxelles", agenda="Un\nDeux")
    mail.outbox.clear()
    with committed():
        meeting.place, meeting.agenda = (
            "Rue de la Loi 16\r\n1000 Bruxelles",
            "Un\r\nDeux",
        )  # a textarea's CRLF
        meeting.save()
    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence, mail.outbox) == (Status.PLANNED, 0, [])


def test_deleting_a_meeting_to_come_sends_its_cancellation(group_a, committed):
    meeting = plan(group_a, committed)
    uid = str(meeting.uid)
    mail.outbox.clear()
    with committed():
        meeting.delete()
    assert not Meeting.objects.filter(uid=uid).exists()
    sent = by_address()
    assert set(sent) == {person.email for person in members(group_a)}
    _mimetype, cal, event = ics(next(iter(sent.values())))
    assert str(cal["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]).startswith(uid) and event["SEQUENCE"] == 1


def test_a_guest_added_later_gets_the_invitation_and_nobody_else_a_second_one(group_a, committed):
    meeting = plan(group_a, committed)
    mail.outbox.clear()
    with committed():
        member = group_a.people[0]  # a member listed as a guest too: already invited, as a member
        meeting.guests = f"Prof. Nouvelle (ULB) <nouvelle@example.be>\nUn membre <{member.email.upper()}>"
        meeting.save()
    assert list(by_address()) == ["nouvelle@example.be"]
    assert meeting.sequence == 0  # nothing a calendar shows has changed


def test_a_meeting_does_not_change_group(group_a, group_b, committed):
    meeting = plan(group_a, committed)
    mail.outbox.clear()
    meeting.group = group_b
    with pytest.raises(ValidationError):
        meeting.full_clean()
    with pytest.raises(ValidationError), committed():
        meeting.save()
    assert Meeting.objects.get(pk=meeting.pk).group_id == group_a.pk and mail.outbox == []
