"""Meetings before their report: the model's rules, who plans (admin scoping), who sees, answering,
the calendar, the report started from a meeting, and answers never stored in a cached page."""

import datetime
import re
import zoneinfo

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from meetings.choices import Response, Status
from meetings.models import Answer, Meeting

from .factories import make_private_group

pytestmark = pytest.mark.usefixtures("shared_world")

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def plan(group, days=7, hours=19, **fields):
    start = (timezone.localtime() + datetime.timedelta(days=days)).replace(
        hour=hours, minute=0, second=0, microsecond=0
    )
    values = {
        "group": group,
        "title": "Réunion mensuelle",
        "start": start,
        "end": start + datetime.timedelta(hours=2),
        "place": "Rue de la Loi 1, 1000 Bruxelles",
        "agenda": "Accueil\nLa charte éthique\nDivers",
    }
    values.update(fields)
    meeting = Meeting(**values)
    meeting.full_clean()
    meeting.save()
    return meeting


# The model's rules: whatever saves a meeting keeps them


def test_a_change_a_calendar_shows_raises_the_sequence_and_a_new_time_marks_it_moved(group_a):
    meeting = plan(group_a)
    assert (meeting.sequence, meeting.status) == (0, Status.PLANNED)
    meeting.save()  # nothing changed
    assert meeting.sequence == 0
    meeting.agenda += "\nUn point de plus"
    meeting.save()
    assert (meeting.sequence, meeting.status) == (1, Status.PLANNED)
    meeting.start += datetime.timedelta(days=1)
    meeting.end += datetime.timedelta(days=1)
    meeting.save()
    meeting.refresh_from_db()
    assert (meeting.sequence, meeting.status) == (2, Status.MOVED)
    meeting.status = Status.CANCELLED
    meeting.save()
    assert meeting.sequence == 3
    # The rule is the model's, not a form's: a queryset update that skips it is the only way around.
    assert Meeting.objects.get(pk=meeting.pk).sequence == 3


def test_a_meeting_needs_an_end_after_its_start_and_a_place_or_a_link(group_a):
    start = timezone.now() + datetime.timedelta(days=3)
    meeting = Meeting(group=group_a, title="Sans lieu", start=start, end=start)
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert set(error.value.message_dict) == {"end", "place"}
    meeting.video_link = "http://visio.example.org/x"  # not https
    meeting.end = start + datetime.timedelta(hours=1)
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert "video_link" in error.value.message_dict
    meeting.video_link = "https://visio.example.org/x"
    meeting.full_clean()


def test_guests_addresses_are_read_from_their_lines_and_a_broken_one_is_refused(group_a):
    meeting = plan(
        group_a, guests="Prof. A (ULB) <a@ulb.be>\nB, sans adresse\nC (Coop) <A@ULB.be>\nD <d@coop.be>"
    )
    assert meeting.guest_addresses() == ["a@ulb.be", "d@coop.be"]
    assert meeting.guest_list() == ["Prof. A (ULB)", "B, sans adresse", "C (Coop)", "D"]
    meeting.guests = "E <pas une adresse>"
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert "guests" in error.value.message_dict


# Who plans: the admin, scoped like the pages


def test_a_facilitator_plans_for_their_group_only(group_a, group_b, as_user):
    client = as_user(group_a.facilitator)
    form = client.get("/admin/reunions/new/").content.decode()
    assert f'value="{group_a.pk}"' in form and f'value="{group_b.pk}"' not in form
    start = timezone.localtime() + datetime.timedelta(days=10)
    data = {
        "group": group_b.pk,  # another group's id, typed in
        "kind": "monthly",
        "status": "planned",
        "title": "Intrusion",
        "start": start.strftime("%Y-%m-%d %H:%M"),
        "end": (start + datetime.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M"),
        "place": "Ailleurs",
    }
    response = client.post("/admin/reunions/new/", data)
    assert response.status_code == 200 and not Meeting.objects.filter(title="Intrusion").exists()
    response = client.post("/admin/reunions/new/", data | {"group": group_a.pk, "title": "Réunion de juin"})
    assert response.status_code == 302
    assert Meeting.objects.get(title="Réunion de juin").group_id == group_a.pk


def test_another_groups_meeting_is_not_found_in_the_admin_by_its_address(group_a, group_b, as_user):
    theirs = plan(group_b, title="Leur réunion")
    mine = plan(group_a, title="Notre réunion")
    client = as_user(group_a.people[0])  # a member plans too
    listing = client.get("/admin/reunions/").content.decode()
    assert "Notre réunion" in listing and "Leur réunion" not in listing
    assert client.get(f"/admin/reunions/edit/{theirs.pk}/").status_code == 404
    assert client.post(f"/admin/reunions/delete/{theirs.pk}/").status_code == 404
    assert Meeting.objects.filter(pk=theirs.pk).exists()
    assert client.get(f"/admin/reunions/edit/{mine.pk}/").status_code == 200


def test_a_member_of_no_group_and_the_board_cannot_plan(group_a, member, board_member, as_user):
    meeting = plan(group_a)
    for person in (member, board_member):
        client = as_user(person)
        assert client.get("/admin/reunions/").status_code in (302, 403)
        assert client.get(f"/admin/reunions/edit/{meeting.pk}/").status_code in (302, 403, 404)


def test_the_listing_counts_the_answers(group_a, as_user):
    meeting = plan(group_a, title="Réunion comptée")
    for person, response in zip(group_a.people, ("yes", "yes", "no"), strict=True):
        Answer.objects.create(meeting=meeting, user=person, response=response)
    listing = as_user(group_a.facilitator).get("/admin/reunions/").content.decode()
    assert "2 oui · 0 peut-être · 1 non" in listing


# Who sees: whoever may open the group's page


def test_a_private_groups_meetings_are_hidden_from_those_outside_it(programme, member, as_user, client):
    private = make_private_group(programme)
    meeting = plan(private, title="Réunion confidentielle")
    assert as_user(member).get(f"/reunions/{meeting.pk}/").status_code == 404
    assert "Réunion confidentielle" not in as_user(member).get("/reunions/").content.decode()
    month = timezone.localtime(meeting.start)
    calendar = as_user(member).get(f"/reunions/{month.year}/{month.month}/").content.decode()
    assert "Réunion confidentielle" not in calendar
    assert as_user(member).get(f"/reunions/?groupe={private.pk}").status_code == 404
    assert as_user(private.people[0]).get(f"/reunions/{meeting.pk}/").status_code == 200
    assert client.get(f"/reunions/{meeting.pk}/").status_code == 302  # anonymous: the login page


@pytest.mark.parametrize("meeting_id", ["0", "-1", "abc", "99999999999999999999", "1.0"])
def test_odd_meeting_ids_are_not_found(member, as_user, meeting_id):
    assert as_user(member).get(f"/reunions/{meeting_id}/").status_code == 404


def test_the_meeting_page_shows_the_facts_and_the_agenda_to_every_member(group_a, member, as_user):
    meeting = plan(group_a, video_link="https://visio.example.org/gt", guests="Prof. A (ULB) <a@ulb.be>")
    page = as_user(member).get(f"/reunions/{meeting.pk}/").content.decode()
    assert "Rue de la Loi 1" in page and "https://visio.example.org/gt" in page
    assert "<li>La charte éthique</li>" in page
    assert "Prof. A (ULB)" in page and "a@ulb.be" not in page  # guests' addresses are for invitations
    assert "Viendrez-vous" not in page  # not a member of the group: nothing to answer
    Answer.objects.create(meeting=meeting, user=group_a.people[0], response=Response.YES)
    Answer.objects.create(meeting=meeting, user=group_a.people[1], response=Response.NO)
    page = as_user(member).get(f"/reunions/{meeting.pk}/").content.decode()
    assert "<li>Je viens : 1</li>" in page and "<li>Je ne viens pas : 1</li>" in page
    assert group_a.people[0].get_full_name() not in page  # who answered is for the group


# Answering


def test_a_member_answers_changes_their_mind_and_the_facilitator_sees_who_comes(group_a, as_user):
    meeting = plan(group_a)
    person = group_a.people[0]
    client = as_user(person)
    response = client.post(f"/reunions/{meeting.pk}/reponse/", {"response": "maybe", "next": group_a.url})
    assert response.status_code == 302 and response["Location"] == group_a.url
    client.post(f"/reunions/{meeting.pk}/reponse/", {"response": "yes"})
    assert Answer.objects.get(meeting=meeting, user=person).response == Response.YES
    page = as_user(group_a.facilitator).get(f"/reunions/{meeting.pk}/").content.decode()
    assert re.search(r"Je viens \(1\)</h3>\s*<ul[^>]*><li>" + re.escape(person.get_full_name()), page)


def test_answers_are_refused_to_outsiders_for_bad_values_and_after_the_meeting(group_a, group_b, as_user):
    meeting = plan(group_a)
    outsider = group_b.people[0]
    assert as_user(outsider).post(f"/reunions/{meeting.pk}/reponse/", {"response": "yes"}).status_code == 404
    person = as_user(group_a.people[0])
    assert person.post(f"/reunions/{meeting.pk}/reponse/", {"response": "bientôt"}).status_code == 400
    assert person.get(f"/reunions/{meeting.pk}/reponse/").status_code == 405
    past = plan(group_a, days=-3, title="Passée")
    person.post(f"/reunions/{past.pk}/reponse/", {"response": "yes"})
    assert not Answer.objects.filter(meeting__in=[meeting, past]).exists()
    # ``next`` elsewhere is not followed
    response = person.post(
        f"/reunions/{meeting.pk}/reponse/", {"response": "no", "next": "https://evil.example/"}
    )
    assert response["Location"] == f"/reunions/{meeting.pk}/"


def test_each_person_sees_their_own_answer_on_cached_pages_and_the_stored_copy_holds_none(group_a, as_user):
    meeting = plan(group_a)
    first, second = group_a.people[0], group_a.people[1]
    Answer.objects.create(meeting=meeting, user=first, response=Response.YES)
    as_user(first).get("/")  # fills the cache with what first saw
    as_user(second).get("/")
    for person, pressed in ((first, "yes"), (second, None)):
        for url in ("/", group_a.url):
            page = as_user(person).get(url).content.decode()
            buttons = re.findall(r'value="(\w+)"[^>]*aria-pressed="true"', page)
            assert buttons == ([pressed] if pressed else []), (person, url)
    stored = b"".join(value for value in cache._cache.values() if isinstance(value, bytes))
    assert b"intranet:answer:" in stored and b'aria-pressed="true"' not in stored


# The calendar


def test_the_calendar_shows_a_month_filtered_by_group_and_moves_between_months(
    group_a, group_b, member, as_user
):
    start = datetime.datetime(2030, 10, 24, 19, 0, tzinfo=BRUSSELS)
    plan(group_a, title="Octobre A", start=start, end=start + datetime.timedelta(hours=2))
    plan(group_b, title="Octobre B", start=start, end=start + datetime.timedelta(hours=2))
    client = as_user(member)
    page = client.get("/reunions/2030/10/").content.decode()
    assert "Octobre A" in page and "Octobre B" in page and "19:00" in page
    assert 'href="/reunions/2030/9/"' in page and 'href="/reunions/2030/11/"' in page
    filtered = client.get(f"/reunions/2030/10/?groupe={group_a.pk}").content.decode()
    assert "Octobre A" in filtered and "Octobre B" not in filtered
    assert f'href="/reunions/2030/11/?groupe={group_a.pk}"' in filtered
    assert "<script" not in filtered
    for bad in ("/reunions/2030/13/", "/reunions/1900/1/", "/reunions/2030/10/?groupe=abc"):
        assert client.get(bad).status_code == 404


def test_the_home_page_lists_the_next_meetings_of_the_persons_groups_first(group_a, group_b, as_user):
    plan(group_b, title="Chez les autres", days=2)
    plan(group_a, title="Chez nous", days=5)
    plan(group_a, title="Passée", days=-5)
    page = as_user(group_a.people[0]).get("/").content.decode()
    mine = page.index("Vos groupes")
    assert mine < page.index("Chez nous") < page.index("Les autres groupes") < page.index("Chez les autres")
    assert "Passée" not in page.split("Prochaines réunions")[1].split("</section>")[0]


# The report, started from the meeting


def test_the_report_starts_from_the_meeting_and_shows_its_facts(group_a, as_user):
    meeting = plan(group_a, days=-1, title="Réunion de mars", guests="Prof. A (ULB) <a@ulb.be>")
    came, maybe = group_a.people[0], group_a.people[1]
    Answer.objects.create(meeting=meeting, user=came, response=Response.YES)
    Answer.objects.create(meeting=meeting, user=maybe, response=Response.MAYBE)
    client = as_user(group_a.facilitator)
    response = client.post(f"/reunions/{meeting.pk}/compte-rendu/")
    meeting.refresh_from_db()
    report = meeting.report
    assert response["Location"] == f"/admin/pages/{report.pk}/edit/"
    assert client.post(f"/reunions/{meeting.pk}/compte-rendu/")["Location"] == response["Location"]
    assert not report.live and report.get_parent().pk == group_a.pk
    assert list(report.attendees.all()) == [came]
    assert report.guests == "Prof. A (ULB)" and "La charte éthique" in report.summary
    assert meeting.status == Status.HELD
    report.save_revision().publish()
    page = as_user(came).get(report.url).content.decode()
    assert "Rue de la Loi 1" in page and f'href="/reunions/{meeting.pk}/"' in page
    assert f'href="{report.url}"' in as_user(came).get(f"/reunions/{meeting.pk}/").content.decode()


def test_an_outsider_cannot_start_a_report_and_a_future_meeting_has_none_yet(group_a, group_b, as_user):
    past = plan(group_a, days=-1)
    assert as_user(group_b.facilitator).post(f"/reunions/{past.pk}/compte-rendu/").status_code == 404
    future = plan(group_a, days=3)
    as_user(group_a.facilitator).post(f"/reunions/{future.pk}/compte-rendu/")
    past.refresh_from_db()
    future.refresh_from_db()
    assert past.report is None and future.report is None


def test_a_members_answers_cost_one_query_whatever_the_number_of_meetings(group_a, as_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    client = as_user(group_a.people[0])

    def count():
        with override_settings(PAGE_CACHE_SECONDS=0), CaptureQueriesContext(connection) as captured:
            page = client.get(group_a.url).content.decode()
        return len(captured), page.count('class="answer-form"')

    plan(group_a, days=2)
    plan(group_a, days=3)
    client.get(group_a.url)  # warm per-process caches
    few = count()
    for days in range(4, 8):
        plan(group_a, days=days)
    many = count()
    assert (few[1], many[1]) == (2, 6)
    assert many[0] == few[0]


# What the review found in the admin


def test_no_screen_of_another_groups_meeting_opens_in_the_admin(programme, group_a, as_user):
    private = make_private_group(programme)
    theirs = plan(private, title="Réunion confidentielle")
    client = as_user(group_a.people[0])
    for screen in ("edit", "delete", "history", "history-results", "usage"):
        response = client.get(f"/admin/reunions/{screen}/{theirs.pk}/")
        assert response.status_code == 404, screen
        assert "Réunion confidentielle" not in response.content.decode()
    listing = client.get("/admin/reunions/").content.decode()
    assert private.title not in listing  # not even in the group filter
    assert client.get(f"/admin/reunions/?group={private.pk}").status_code in (200, 400)
    assert "Réunion confidentielle" not in client.get(f"/admin/reunions/?group={private.pk}").content.decode()


def test_the_admin_listing_costs_the_same_with_3_or_12_meetings(group_a, as_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(group_a.facilitator)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/admin/reunions/").status_code == 200
        return len(captured)

    for days in range(3):
        plan(group_a, days=days + 2)
    client.get("/admin/reunions/")
    few = count()
    for days in range(9):
        plan(group_a, days=days + 10)
    assert count() == few


def test_an_unpublished_group_is_not_planned_for_and_a_group_stays_put(group_a, group_b, as_user):
    from meetings.rules import plannable_groups

    assert group_a in plannable_groups(group_a.facilitator)
    group_a.unpublish()
    assert group_a not in plannable_groups(group_a.facilitator)
    group_a.save_revision().publish()
    meeting = plan(group_a, title="Elle reste")
    page = as_user(group_a.facilitator).get(f"/admin/reunions/edit/{meeting.pk}/").content.decode()
    assert re.search(r'<select name="group"[^>]*disabled', page)


def test_hours_typed_for_a_meeting_known_by_its_day_only_are_shown(group_a, as_user, member):
    day = datetime.datetime(2018, 1, 18, tzinfo=BRUSSELS)
    meeting = Meeting.objects.create(
        group=group_a,
        title="Réunion de janvier",
        start=day,
        end=day + datetime.timedelta(days=1),
        time_known=False,
        status=Status.HELD,
        place="",
    )
    assert "(heures non notées)" in as_user(member).get(f"/reunions/{meeting.pk}/").content.decode()
    meeting.start, meeting.end = day.replace(hour=18, minute=30), day.replace(hour=20, minute=30)
    meeting.save()
    meeting.refresh_from_db()
    assert meeting.time_known
    page = as_user(member).get(f"/reunions/{meeting.pk}/").content.decode()
    assert "18:30" in page and "(heures non notées)" not in page


def test_the_calendar_page_is_never_stored_it_holds_the_persons_secret_addresses(member, as_user):
    response = as_user(member).get("/reunions/")
    assert "no-store" in response["Cache-Control"]
    assert "/reunions/agenda/" in response.content.decode()
