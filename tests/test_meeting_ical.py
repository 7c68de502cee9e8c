"""Meetings in calendars: RFC 5545 calendars at a person's secret addresses (only what that person may
see now, checked on every fetch, the same 404 for every refusal), and one meeting's .ics for a member."""

import datetime
import zoneinfo

import icalendar
import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from meetings import feeds
from meetings.choices import Status
from meetings.models import Meeting
from notifications.follows import set_following
from notifications.models import FeedToken, new_feed_key
from workinggroups.choices import MeetingKind

from .factories import ProgrammePageFactory, UserFactory, make_private_group, make_working_group

pytestmark = pytest.mark.usefixtures("shared_world")

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
BASE = "http://testserver"  # WAGTAILADMIN_BASE_URL in the test settings


def key_of(user):
    return FeedToken.objects.get_or_create(user=user)[0].key


def group_url(key, group):
    return f"/reunions/agenda/{key}/groupe/{group.pk}.ics"


def programme_url(key, programme):
    return f"/reunions/agenda/{key}/programme/{programme.pk}.ics"


def mine_url(key):
    return f"/reunions/agenda/{key}/mes-reunions.ics"


def plan(group, title="Réunion de travail", start=None, hours=2, **fields):
    start = (start or timezone.now() + datetime.timedelta(days=10)).replace(second=0, microsecond=0)
    fields.setdefault("place", "Rue de la Loi 16\n1000 Bruxelles")
    return Meeting.objects.create(
        group=group, title=title, start=start, end=start + datetime.timedelta(hours=hours), **fields
    )


def calendar(response):
    """The answer parsed as a calendar: a 200 in text/calendar, private and not kept."""
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def fetch(url):
    """A calendar as a calendar application fetches it: no session."""
    response = Client().get(url)
    if response.status_code == 200:
        assert response["Cache-Control"] == "private, no-store"
        assert response["Referrer-Policy"] == "no-referrer"
    return response


def events(response):
    return {str(event["uid"]): event for event in calendar(response).walk("VEVENT")}


def titles(response):
    return sorted(str(event["summary"]).split(" — ", 1)[1] for event in calendar(response).walk("VEVENT"))


def uid(meeting):
    return f"{meeting.uid}@testserver"


def not_found(response):
    assert response.status_code == 404
    assert response["Cache-Control"] == "private, no-store"
    return response.content


# Every field


def test_a_groups_calendar_has_every_field_of_its_meetings(group_a):
    member = group_a.people[0]
    meeting = plan(
        group_a,
        "Réunion de novembre",
        agenda="Accueil\n\nLa charte éthique\nDivers",
        video_link="https://visio.example.coop/ethique",
        kind=MeetingKind.HEARING,
    )
    response = fetch(group_url(key_of(member), group_a))
    cal = calendar(response)
    assert str(cal["prodid"]).startswith("-//") and str(cal["version"]) == "2.0"
    assert str(cal["calscale"]) == "GREGORIAN" and "method" not in cal  # a feed, not an invitation
    assert str(cal["x-wr-calname"]) == "Réunions de « Le comité éthique »"
    (zone,) = cal.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Europe/Brussels"
    assert {component.name for component in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    (event,) = cal.walk("VEVENT")
    assert str(event["uid"]) == uid(meeting)
    assert event["dtstart"].params["TZID"] == "Europe/Brussels"
    assert event.decoded("dtstart") == meeting.start and event.decoded("dtend") == meeting.end
    assert event.decoded("dtstart").tzinfo.key == "Europe/Brussels"
    assert event.decoded("created") == meeting.created_at.replace(microsecond=0)
    assert event.decoded("last-modified") == meeting.updated_at.replace(microsecond=0)
    assert abs(event.decoded("dtstamp") - timezone.now()) < datetime.timedelta(minutes=1)
    assert str(event["summary"]) == "Le comité éthique — Réunion de novembre"
    assert str(event["location"]) == "Rue de la Loi 16, 1000 Bruxelles"
    page = f"{BASE}/reunions/{meeting.pk}/"
    assert str(event["url"]) == page
    description = str(event["description"])
    for part in (
        "Audition d'experts",
        "- Accueil",
        "- La charte éthique",
        "- Divers",
        meeting.video_link,
        page,
    ):
        assert part in description
    assert "\n\n- " not in description  # the empty agenda line is not a point
    assert (event["sequence"], str(event["status"])) == (0, "CONFIRMED")
    assert [str(category) for category in event.categories] == ["Audition d'experts"]
    assert "organizer" not in event and "attendee" not in event  # a feed invites nobody
    assert response["Content-Language"] == "fr"


def test_a_video_meeting_is_located_at_its_link_and_a_place_wins_over_it(group_a):
    member = group_a.people[0]
    online = plan(group_a, "En ligne", place="", video_link="https://visio.example.coop/a")
    both = plan(
        group_a, "Les deux", place="Maison des associations", video_link="https://visio.example.coop/b"
    )
    found = events(fetch(group_url(key_of(member), group_a)))
    assert str(found[uid(online)]["location"]) == "https://visio.example.coop/a"
    assert str(found[uid(both)]["location"]) == "Maison des associations"


def test_the_uid_stays_the_sequence_rises_and_a_cancelled_meeting_says_so(group_a):
    key = key_of(group_a.people[0])
    meeting = plan(group_a)
    before = events(fetch(group_url(key, group_a)))[uid(meeting)]
    assert before["sequence"] == 0
    meeting.title = "Réunion de travail (ordre du jour complet)"
    meeting.save()
    meeting.start += datetime.timedelta(hours=1)
    meeting.end += datetime.timedelta(hours=1)
    meeting.save()
    after = events(fetch(group_url(key, group_a)))[uid(meeting)]  # the same UID: updated, not added
    assert after["sequence"] == 2 and after.decoded("dtstart") == meeting.start
    assert str(after["summary"]).endswith("(ordre du jour complet)") and str(after["status"]) == "CONFIRMED"
    meeting.status = Status.CANCELLED
    meeting.save()
    cancelled = events(fetch(group_url(key, group_a)))[uid(meeting)]
    assert str(cancelled["status"]) == "CANCELLED" and cancelled["sequence"] == 3


@pytest.mark.parametrize(
    ("local", "offset"),
    [
        (datetime.datetime(2017, 10, 26, 19, 0), 2),  # summer time (CEST)
        (datetime.datetime(2017, 11, 2, 19, 0), 1),  # winter time (CET), after 29 October
        (datetime.datetime(2018, 3, 22, 19, 0), 1),  # winter time still
        (datetime.datetime(2018, 3, 29, 19, 0), 2),  # summer time again, after 25 March
    ],
)
def test_a_meeting_stays_at_its_hour_across_summer_time(group_a, monkeypatch, local, offset):
    monkeypatch.setattr(feeds, "HISTORY", datetime.timedelta(days=365 * 20))  # these are long past
    start = local.replace(tzinfo=BRUSSELS).astimezone(datetime.UTC)
    assert start.hour == 19 - offset
    meeting = plan(group_a, start=start)
    meeting.refresh_from_db()
    response = fetch(group_url(key_of(group_a.people[0]), group_a))
    assert f"DTSTART;TZID=Europe/Brussels:{local:%Y%m%dT%H%M%S}".encode() in response.content
    event = events(response)[uid(meeting)]
    assert event.decoded("dtstart").astimezone(datetime.UTC) == meeting.start  # the stored instant
    assert event.decoded("dtend").astimezone(datetime.UTC) == meeting.end
    assert event.decoded("dtstart").utcoffset() == datetime.timedelta(hours=offset)


def test_a_meeting_whose_hours_are_unknown_is_a_whole_day(group_a, monkeypatch):
    monkeypatch.setattr(feeds, "HISTORY", datetime.timedelta(days=365 * 20))
    day = datetime.datetime(2017, 10, 26, tzinfo=BRUSSELS)  # as the migration makes them from reports
    meeting = plan(group_a, start=day, hours=24, time_known=False, status=Status.HELD)
    response = fetch(group_url(key_of(group_a.people[0]), group_a))
    assert b"DTSTART;VALUE=DATE:20171026" in response.content
    event = events(response)[uid(meeting)]
    assert event.decoded("dtstart") == datetime.date(2017, 10, 26)
    assert event.decoded("dtend") == datetime.date(2017, 10, 27)


def test_a_calendar_goes_back_400_days_and_lists_every_future_meeting(group_a):
    now = timezone.now()
    old = plan(group_a, "Trop ancienne", start=now - datetime.timedelta(days=402))
    recent = plan(group_a, "Il y a un an", start=now - datetime.timedelta(days=398))
    far = plan(group_a, "Dans deux ans", start=now + datetime.timedelta(days=730))
    found = events(fetch(group_url(key_of(group_a.people[0]), group_a)))
    assert uid(old) not in found and {uid(recent), uid(far)} <= set(found)


def test_the_calendar_is_in_its_owners_language(group_a):
    from wagtail.users.models import UserProfile

    member = group_a.people[0]
    profile = UserProfile.get_for_user(member)
    profile.preferred_language = "nl"
    profile.save()
    plan(group_a)
    response = fetch(group_url(key_of(member), group_a))
    (event,) = calendar(response).walk("VEVENT")
    assert response["Content-Language"] == "nl"
    assert [str(category) for category in event.categories] == ["Maandelijkse vergadering"]


# Whose meetings


def test_a_persons_calendar_follows_what_they_follow(group_a, group_b, programme):
    member = group_a.people[0]
    key = key_of(member)
    plan(group_a, "Réunion A")
    plan(group_b, "Réunion B")
    assert titles(fetch(mine_url(key))) == ["Réunion A"]  # their group, by default
    set_following(member, group_a, False)
    assert titles(fetch(mine_url(key))) == []
    set_following(member, group_b, True)
    assert titles(fetch(mine_url(key))) == ["Réunion B"]
    set_following(member, programme, True)  # a programme's follow covers its groups, even one undone
    assert titles(fetch(mine_url(key))) == ["Réunion A", "Réunion B"]
    assert str(calendar(fetch(mine_url(key)))["x-wr-calname"]) == "Mes réunions"


def test_the_board_follows_the_programme_and_so_every_groups_meetings(group_a, group_b, programme):
    plan(group_a, "Réunion A")
    plan(group_b, "Réunion B")
    other = ProgrammePageFactory(parent=programme.get_parent(), title="Un autre programme")
    plan(make_working_group(other, members=0, title="Ailleurs", slug="ailleurs"), "Réunion d'ailleurs")
    set_following(group_a.liaison, other, False)  # the board follows each programme by default
    assert titles(fetch(mine_url(key_of(group_a.liaison)))) == ["Réunion A", "Réunion B"]


def test_a_programmes_calendar_has_its_groups_meetings_and_only_theirs(group_a, group_b, programme):
    plan(group_a, "Réunion A")
    plan(group_b, "Réunion B")
    other = ProgrammePageFactory(parent=programme.get_parent(), title="Un autre programme")
    plan(make_working_group(other, members=0, title="Ailleurs", slug="ailleurs"), "Réunion d'ailleurs")
    response = fetch(programme_url(key_of(group_a.people[0]), programme))
    assert titles(response) == ["Réunion A", "Réunion B"]
    assert str(calendar(response)["x-wr-calname"]) == f"Réunions des groupes de « {programme.title} »"


def test_a_private_groups_meetings_reach_only_those_who_may_open_it(group_a, programme):
    private = make_private_group(programme)
    plan(group_a, "Réunion A")
    plan(private, "Réunion confidentielle")
    outsider = group_a.people[0]
    set_following(outsider, programme, True)
    set_following(outsider, private, True)  # following it does not open it
    key = key_of(outsider)
    assert titles(fetch(programme_url(key, programme))) == ["Réunion A"]
    assert titles(fetch(mine_url(key))) == ["Réunion A"]
    refused = not_found(fetch(group_url(key, private)))
    assert refused == not_found(fetch(group_url(key, programme)))  # the same answer as a wrong type
    insider = private.people[0]
    assert titles(fetch(group_url(key_of(insider), private))) == ["Réunion confidentielle"]
    set_following(insider, programme, True)
    assert titles(fetch(mine_url(key_of(insider)))) == ["Réunion A", "Réunion confidentielle"]


def test_rights_are_read_on_every_fetch(group_a, group_b, programme):
    member = group_a.people[0]
    set_following(member, programme, True)
    key = key_of(member)
    plan(group_a, "Réunion A")
    plan(group_b, "Réunion B")
    assert titles(fetch(mine_url(key))) == ["Réunion A", "Réunion B"]
    restriction = PageViewRestriction.objects.create(
        page=group_b, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([group_b.django_group])  # group B made private since the last fetch
    assert titles(fetch(mine_url(key))) == ["Réunion A"]
    assert titles(fetch(programme_url(key, programme))) == ["Réunion A"]
    not_found(fetch(group_url(key, group_b)))
    group_a.unpublish()  # and group A taken offline
    assert titles(fetch(mine_url(key))) == []
    not_found(fetch(group_url(key, group_a)))


# Refusals


def test_every_refusal_is_the_same_404(group_a, programme):
    member = group_a.people[0]
    plan(group_a)
    key = key_of(member)
    answers = set()
    for bad in ("0", "-1", "abc", "99999999999999999999", "1e3", "٣"):
        answers.add(not_found(fetch(f"/reunions/agenda/{key}/groupe/{bad}.ics")))
        answers.add(not_found(fetch(f"/reunions/agenda/{key}/programme/{bad}.ics")))
    answers.add(not_found(fetch(group_url(key, programme))))  # a programme is not a group
    answers.add(not_found(fetch(programme_url(key, group_a))))  # nor a group a programme
    answers.add(not_found(fetch(group_url("not-a-key", group_a))))
    answers.add(not_found(fetch(mine_url("x" * 65))))
    assert len(answers) == 1
    (answer,) = answers

    FeedToken.objects.filter(user=member).update(key=new_feed_key())  # "Changer l'adresse secrète"
    assert not_found(fetch(group_url(key, group_a))) == answer
    assert not_found(fetch(mine_url(key))) == answer
    calendar(fetch(group_url(key_of(member), group_a)))  # the new address works

    member.is_active = False
    member.save()
    assert not_found(fetch(group_url(key_of(member), group_a))) == answer
    assert not_found(fetch(mine_url(key_of(member)))) == answer


def test_the_new_key_of_the_choices_page_revokes_the_calendars_too(group_a, as_user):
    member = group_a.people[0]
    key = key_of(member)
    calendar(fetch(mine_url(key)))
    assert as_user(member).post(reverse("notifications:change_feed_key")).status_code == 302
    not_found(fetch(mine_url(key)))
    calendar(fetch(mine_url(key_of(member))))


def test_a_calendar_costs_the_same_queries_for_3_meetings_or_30(group_a, group_b, programme):
    member = group_a.people[0]
    set_following(member, programme, True)
    key = key_of(member)
    urls = [mine_url(key), group_url(key, group_a), programme_url(key, programme)]

    def counts():
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert fetch(url).status_code == 200
            found.append(len(queries))
        return found

    for n in range(3):
        plan(
            group_a if n % 2 else group_b,
            f"Réunion {n}",
            start=timezone.now() + datetime.timedelta(days=n + 1),
        )
    few = counts()
    for n in range(27):
        plan(
            group_a if n % 2 else group_b, f"Plus {n}", start=timezone.now() + datetime.timedelta(days=n + 5)
        )
    assert len(events(fetch(mine_url(key)))) == 30
    assert counts() == few
    assert max(few) <= 12


# One meeting's .ics, with a session


def test_a_member_downloads_one_meetings_ics(group_a, as_user):
    meeting = plan(group_a, "Réunion de novembre")
    response = as_user(group_a.people[0]).get(f"/reunions/{meeting.pk}/invitation.ics")
    cal = calendar(response)
    assert response["Content-Disposition"] == f'attachment; filename="reunion-{meeting.pk}.ics"'
    assert response["Cache-Control"] == "private, no-store"
    assert str(cal["method"]) == "PUBLISH"
    (event,) = cal.walk("VEVENT")
    assert str(event["uid"]) == uid(meeting) and event.decoded("dtstart") == meeting.start
    assert reverse("meetings:meeting_ics", args=[meeting.pk]) == f"/reunions/{meeting.pk}/invitation.ics"


def test_the_download_is_for_those_who_may_see_the_meeting(group_a, programme, as_user):
    meeting = plan(group_a)
    private = make_private_group(programme)
    hidden = plan(private, "Réunion confidentielle")
    anonymous = Client().get(f"/reunions/{meeting.pk}/invitation.ics")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    stranger = UserFactory(username="sans-groupe")
    assert as_user(stranger).get(f"/reunions/{meeting.pk}/invitation.ics").status_code == 200  # open group
    assert as_user(stranger).get(f"/reunions/{hidden.pk}/invitation.ics").status_code == 404
    assert as_user(private.people[0]).get(f"/reunions/{hidden.pk}/invitation.ics").status_code == 200
    for bad in ("0", "-1", "abc", "99999999999999999999", str(hidden.pk + 1000)):
        assert as_user(stranger).get(f"/reunions/{bad}/invitation.ics").status_code == 404


# The addresses shown to a person


def test_a_person_sees_their_calendar_addresses_with_the_key_of_their_feeds(group_a, programme):
    member = group_a.people[0]
    addresses = feeds.calendar_addresses(member, [group_a, programme])
    key = FeedToken.objects.get(user=member).key
    assert [address["url"] for address in addresses] == [
        BASE + mine_url(key),
        BASE + group_url(key, group_a),
        BASE + programme_url(key, programme),
    ]
    assert addresses[0]["title"] == "Vos réunions"
    assert addresses[1]["title"] == "Réunions de « Le comité éthique »"
    for address in addresses:
        calendar(fetch(address["url"].removeprefix(BASE)))
    html = render_to_string("meetings/includes/calendar_feeds.html", {"calendar_feeds": addresses})
    assert all(address["url"] in html for address in addresses)
    assert 'href="/notifications/choix/#flux"' in html and "secrètes" in html
    assert render_to_string("meetings/includes/calendar_feeds.html", {"calendar_feeds": []}).strip() == ""
