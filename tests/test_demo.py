"""``manage.py load_demo`` builds the seed text's programme, and a second run changes nothing.

The content comes from the YAML files of sitewide/demo/data/; a broken file stops the command
with an error naming the file and the key. Loading the demo takes seconds: the tests that only
read it share one load (``TestTheLoadedDemo``), rolled back when the class is done.
"""

import datetime
import importlib
import os
import shutil
import zoneinfo
from io import StringIO
from unittest import mock

import pytest
import yaml
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import GroupPagePermission, Page, PageLogEntry, Revision, WorkflowState

from documents.models import AccessRequest, DownloadLogEntry, LibraryDocument
from documents.uploads import check_upload
from mailing.models import OutgoingEmail
from meetings.models import Answer, Meeting
from sitewide.demo import data as demo_data
from sitewide.demo.data import DemoDataError, load_data
from sitewide.demo.loader import DemoResult, load_demo
from workinggroups.choices import MembershipRole
from workinggroups.models import (
    AssemblyOutcome,
    BoardDecision,
    BoardDecisionHistory,
    Fact,
    FollowUp,
    MeetingReportPage,
    ProgrammePage,
    RecommendationPage,
    WorkingGroupMembership,
    WorkingGroupPage,
)

from .conftest import rolled_back

ACCOUNTS = [
    "membre",
    "editeur",
    "animateur-ethique",
    "animateur-representation",
    "animateur-informatique",
    "animateur-finances",
    "conseil",
    "admin",
]


def counts():
    return {
        "users": get_user_model().objects.count(),
        "groups": Group.objects.count(),
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "log": PageLogEntry.objects.count(),
        "memberships": WorkingGroupMembership.objects.count(),
        "permissions": GroupPagePermission.objects.count(),
        "tags": MeetingReportPage.tags.through.objects.count()
        + RecommendationPage.tags.through.objects.count(),
        "meetings": Meeting.objects.count(),
        "answers": Answer.objects.count(),
    }


BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def meetings_as_they_are():
    """Every meeting as a calendar sees it, with when it was last saved."""
    return {
        m["uid"]: m
        for m in Meeting.objects.values("uid", "start", "end", "status", "sequence", "agenda", "updated_at")
    }


CLASS_PASSWORD = "mot-de-passe-de-la-classe"


@pytest.fixture(scope="class")
def loaded_demo(django_db_setup, django_db_blocker):
    """The demo loaded once for a class of tests, in a transaction rolled back after its last test.

    Each test still runs in its own savepoint (the ``db`` fixture), so what one test writes is
    gone before the next one, as with Django's ``TestCase.setUpTestData``.
    """
    with django_db_blocker.unblock(), rolled_back():
        # A password other than the default: the accounts must get the one they are given.
        with override_settings(DEBUG=True), mock.patch.dict(os.environ, {"DEMO_PASSWORD": CLASS_PASSWORD}):
            sent_before = len(mail.outbox)
            call_command("load_demo", stdout=StringIO())
        # What the load sent at once (each test starts with an empty outbox).
        yield {"emails sent": mail.outbox[sent_before:], "today": timezone.localdate()}


@pytest.fixture
def demo(loaded_demo, db, settings):
    settings.DEBUG = True


def test_demo_refuses_to_run_without_debug_unless_forced_and_takes_its_password_from_the_environment(
    db, settings, monkeypatch
):
    """The command's own decisions; the loader it calls is the one the class below loads once (its
    accounts log in with the password it is given)."""
    from sitewide.management.commands import load_demo as command

    settings.DEBUG = False
    monkeypatch.setenv("DEMO_PASSWORD", "autre-secret")
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo")
    assert not ProgrammePage.objects.exists()
    given = []

    def fake_load_demo(password, data):
        given.append(password)
        return DemoResult(created={"pages": 1})

    monkeypatch.setattr(command, "load_demo", fake_load_demo)
    out = StringIO()
    call_command("load_demo", "--force", stdout=out)
    assert given == ["autre-secret"]
    assert "$DEMO_PASSWORD" in out.getvalue() and "autre-secret" not in out.getvalue()
    monkeypatch.delenv("DEMO_PASSWORD")
    call_command("load_demo", "--force", stdout=StringIO())
    assert given == ["autre-secret", "demo"]  # the README's demo password when none is set


@pytest.mark.xdist_group("loaded demo")  # one load per class: keep it on one worker
class TestTheLoadedDemo:
    """Tests that read the demo, or write only in their own savepoint: one load for them all."""

    def test_demo_builds_the_2017_2018_programme(self, demo):
        programme = ProgrammePage.objects.get()
        assert programme.title == "Groupes de travail 2017-2018"
        assert programme.live
        assert str(programme.board_handover_date) == "2018-03-22"
        assert str(programme.next_assembly_date) == "2018-06-19"
        groups = WorkingGroupPage.objects.child_of(programme).live()
        assert [g.slug for g in groups.order_by("path")] == [
            "ethique",
            "representation",
            "informatique",
            "finances",
        ]
        assert RecommendationPage.objects.live().count() == 34
        assert sorted(RecommendationPage.objects.values_list("number", flat=True)) == list(range(1, 35))
        reports = MeetingReportPage.objects.live()
        assert MeetingReportPage.objects.filter(live=False).count() == 5  # waiting in moderation
        assert reports.filter(kind="monthly").count() == 4 * 7
        assert reports.filter(kind="hearing").exists() and reports.filter(kind="visit").exists()
        dates = reports.values_list("date", flat=True)
        assert str(min(dates)) >= "2017-09-01" and str(max(dates)) <= "2018-03-22"

    def test_each_group_has_a_facilitator_a_board_liaison_and_10_to_12_members_of_mixed_profiles(self, demo):
        for group in WorkingGroupPage.objects.all():
            memberships = WorkingGroupMembership.objects.filter(page=group)
            facilitators = memberships.filter(role=MembershipRole.FACILITATOR)
            assert [m.user.username for m in facilitators] == [f"animateur-{group.slug}"]
            liaison = memberships.get(role=MembershipRole.BOARD_LIAISON)
            assert liaison.user.groups.filter(name="Conseil d'administration").exists()
            members = memberships.filter(role=MembershipRole.MEMBER)
            assert 10 <= members.count() <= 12
            assert set(members.values_list("profile", flat=True)) == {"user", "client", "partner", "staff"}
            assert group.django_group.user_set.count() == memberships.count()

    def test_demo_accounts_log_in_with_the_demo_password(self, demo, client):
        for username in ACCOUNTS:
            assert client.login(username=username, password=CLASS_PASSWORD), username
            assert not client.login(username=username, password="demo"), username
        assert get_user_model().objects.get(username="admin").is_superuser
        assert get_user_model().objects.filter(username="membre-ethique-3").exists()
        assert not get_user_model().objects.filter(is_superuser=True).exclude(username="admin").exists()

    def test_a_second_run_changes_no_counts(self, demo):
        before = counts()
        call_command("load_demo", stdout=StringIO())
        assert counts() == before

    def test_each_member_is_told_of_their_groups_follow_up_notes_and_nothing_was_emailed(self, demo, client):
        from django.core import mail

        from notifications.models import Event, Notification

        events = Event.objects.filter(kind="follow_up")
        assert events.exists() and not Event.objects.exclude(kind="follow_up").exists()  # history is quiet
        assert mail.outbox == []
        client.login(username="membre-ethique-1", password=CLASS_PASSWORD)
        mine = Notification.objects.filter(user__username="membre-ethique-1")
        assert mine.exists()
        groups = {n.event.page.get_parent().slug for n in mine.select_related("event__page")}
        assert groups == {"ethique"}
        page = client.get("/notifications/").content.decode()
        assert "notification--unread" in page and "2019" in page
        assert not Notification.objects.filter(user__username="membre").exists()  # in no group

    def test_members_see_the_demo_in_french(self, demo, client):
        client.login(username="membre", password=CLASS_PASSWORD)
        home = client.get("/").content.decode()
        assert "Groupes de travail 2017-2018" in home
        assert "34</strong> recommandations publiées" in home
        programme = client.get("/groupes-de-travail-2017-2018/").content.decode()
        for title in ("Le comité éthique", "La représentation de Smart", "Les outils informatiques"):
            assert title in programme

    def test_each_recommendation_says_where_it_came_from(self, demo, client):
        for recommendation in RecommendationPage.objects.live():
            kinds = sorted(source.report.kind for source in recommendation.sources.all())
            assert kinds in (["monthly"], ["hearing", "monthly"], ["monthly", "visit"]), recommendation.number
            assert all(
                source.report.get_parent().pk == recommendation.get_parent().pk
                for source in recommendation.sources.all()
            )
        client.login(username="membre", password=CLASS_PASSWORD)
        hearing = MeetingReportPage.objects.live().filter(kind="hearing").first()
        assert "Recommandations issues de cette réunion" in client.get(hearing.url).content.decode()

    def test_demo_has_reports_waiting_at_each_step_and_one_sent_back(self, demo):
        states = WorkflowState.objects.select_related("current_task_state__task")
        in_progress = [
            s.current_task_state.task.name for s in states if s.status == WorkflowState.STATUS_IN_PROGRESS
        ]
        assert sorted(in_progress) == sorted(
            ["Relecture par l'animation du groupe"] * 2 + ["Approbation du Conseil d'administration"] * 2
        )
        sent_back = states.get(status=WorkflowState.STATUS_NEEDS_CHANGES)
        assert "liste des personnes présentes" in sent_back.current_task_state.comment

    def test_demo_facilitator_sees_their_groups_pending_report_on_the_dashboard(self, demo, client):
        client.login(username="animateur-ethique", password=CLASS_PASSWORD)
        dashboard = client.get("/admin/").content.decode()
        assert "Réunion de suivi – avril 2018" in dashboard
        client.login(username="animateur-representation", password=CLASS_PASSWORD)
        assert "Réunion de suivi – avril 2018" not in client.get("/admin/").content.decode()

    def test_demo_tells_the_story_of_every_recommendation_to_the_assembly_and_after(self, demo):
        """34 recommendations, each with the board's position of 15 May 2018; those presented with the
        assembly's outcome of 19 June 2018; follow-up notes by the groups' facilitators afterwards."""
        decisions = BoardDecision.objects.all()
        assert decisions.count() == 34
        positions = set(decisions.values_list("position", flat=True))
        assert positions == {"adopted", "amended", "merged", "deferred", "rejected"}
        assert set(decisions.values_list("assembly_outcome", flat=True)) == set(AssemblyOutcome.values)
        assert set(decisions.values_list("follow_up", flat=True)) == set(FollowUp.values)
        for decision in decisions:
            facts = list(decision.history.values_list("fact", flat=True))
            assert facts[:2] == [Fact.POSITION, Fact.POSITION]
            if decision.presented_to_assembly:
                assert decision.assembly_date == datetime.date(2018, 6, 19) and Fact.ASSEMBLY in facts
        assert decisions.filter(position="amended").exclude(amended_text="").count() == 10
        merged = decisions.filter(position="merged").select_related("merged_into")
        assert {(d.recommendation.number, d.merged_into.number) for d in merged} == {(9, 5), (26, 18)}
        notes = BoardDecisionHistory.objects.filter(fact=Fact.FOLLOW_UP).select_related("changed_by")
        assert notes.count() >= 15 and all(n.changed_by.username.startswith("animateur-") for n in notes)
        assert all(n.changed_at.date() > datetime.date(2018, 6, 19) for n in notes)  # after the assembly

    def test_demo_minutes_are_real_pdfs_linked_from_each_meeting_and_restricted(self, demo, client):
        reports = MeetingReportPage.objects.live()
        assert reports.exclude(minutes=None).count() == reports.count() == 37
        report = reports.select_related("minutes").first()
        client.login(username="membre", password=CLASS_PASSWORD)
        assert client.get(report.minutes.url).status_code == 403
        client.login(username=f"animateur-{report.get_parent().slug}", password=CLASS_PASSWORD)
        response = client.get(report.minutes.url)
        assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-1.4")
        statuses = set(AccessRequest.objects.values_list("status", flat=True))
        assert {"pending", "granted", "refused", "expired"} <= statuses
        assert DownloadLogEntry.objects.count() >= 3

    def test_every_member_finds_the_demo_resources_in_the_library_and_on_the_programme(self, demo, client):
        client.login(username="membre", password=CLASS_PASSWORD)
        library = client.get("/documents/").content.decode()
        titles = [resource.title for resource in load_data().resources]
        assert len(titles) >= 3
        for title in titles:
            assert escape(title) in library
        assert "PDF, " in library and "ODP, " in library and "Présentation" in library and "Guide" in library
        assert "PV –" not in library  # the minutes stay with their groups
        for document in LibraryDocument.objects.filter(title__in=titles):
            response = client.get(document.url)
            assert response.status_code == 200
            body = b"".join(response.streaming_content)
            check_upload(SimpleUploadedFile(document.filename, body))  # a real PDF or ODP
        programme = client.get("/groupes-de-travail-2017-2018/").content.decode()
        assert escape("Guide de l'animation des groupes de travail") in programme
        assert '<a href="/documents/">Tous les documents que vous pouvez ouvrir</a>' in programme
        assert "Témoignages" in programme and "Sept mois plus tard" in programme

    def test_the_site_shows_the_recommendations_of_the_data_files_numbered_in_their_order(self, demo):
        data = load_data()
        in_files = [(rec.number, rec.title) for group in data.groups for rec in group.recommendations]
        on_site = RecommendationPage.objects.live().order_by("path").values_list("number", "title")
        assert list(on_site) == in_files
        assert [number for number, _ in in_files] == list(range(1, 35))

    def test_a_second_run_creates_nothing_and_says_so(self, demo):
        def everything():
            return {
                **counts(),
                "decisions": BoardDecisionHistory.objects.count(),
                "workflows": WorkflowState.objects.count(),
                "documents": LibraryDocument.objects.count(),
                "requests": AccessRequest.objects.count(),
                "downloads": DownloadLogEntry.objects.count(),
            }

        before = everything()
        output = StringIO()
        call_command("load_demo", stdout=output)
        assert "Contenu de démonstration déjà présent : rien à faire." in output.getvalue()
        assert everything() == before

    # Meetings

    def test_every_demo_report_has_its_held_meeting_with_hours_a_place_and_an_agenda(self, demo):
        reports = MeetingReportPage.objects.all()
        assert reports.count() == 37 + 5  # published, and waiting in moderation
        meetings = {m.report_id: m for m in Meeting.objects.exclude(report=None)}
        assert len(meetings) == reports.count()
        for report in reports:
            meeting = meetings[report.pk]
            assert meeting.status == "held" and meeting.time_known, report.title
            assert (meeting.title, meeting.kind, meeting.guests) == (report.title, report.kind, report.guests)
            start, end = timezone.localtime(meeting.start), timezone.localtime(meeting.end)
            assert start.date() == end.date() == report.date, report.title
            assert datetime.time(9) <= start.time() < end.time() <= datetime.time(21, 30), report.title
            assert meeting.place.strip() or meeting.video_link, report.title
            assert 3 <= len(meeting.agenda_items()) <= 5, report.title
            assert meeting.group_id == report.get_parent().pk
            assert meeting.sequence == 0
            meeting.full_clean()
        hearing = Meeting.objects.get(title="Audition : représenter les travailleurs autonomes")
        assert hearing.guests == "Juriste d'une fédération de travailleurs autonomes"
        # The visited organisation's address, not the cooperative's.
        visit = Meeting.objects.get(title="Visite d'un tiers-lieu numérique")
        assert "1080 Molenbeek-Saint-Jean" in visit.place
        # Each group meets at its own hours and place; one of them partly by video.
        monthly = Meeting.objects.filter(kind="monthly").exclude(report=None)
        usual = {(m.group_id, timezone.localtime(m.start).time(), m.place) for m in monthly}
        assert len(usual) == 4 and len({hours for _, hours, _ in usual}) == 4
        linked = set(monthly.exclude(video_link="").values_list("group__slug", "video_link"))
        assert linked == {("informatique", "https://visio.example.org/gt-outils-informatiques")}

    def test_the_meetings_are_at_brussels_time_in_summer_and_in_winter(self, demo):
        """Summer time ended on 29 October 2017 and began again on 25 March 2018."""

        def utc(group, title_start, day):
            meeting = Meeting.objects.get(group__slug=group, title__startswith=title_start, report__date=day)
            return meeting.start.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M")

        # 19:00 on the last Thursday of October 2017, in summer time (UTC+2): 17:00 UTC.
        assert utc("informatique", "Audition : logiciels", "2017-10-26") == "2017-10-26 17:00"
        # 19:00 on the group's November meeting, in winter time (UTC+1): 18:00 UTC.
        assert utc("representation", "Réunion 3", "2017-11-09") == "2017-11-09 18:00"
        # 18:30 in Brussels on 13 March 2018 (winter time), then on 17 April 2018 (summer time).
        assert utc("ethique", "Réunion 7", "2018-03-13") == "2018-03-13 17:30"
        assert utc("ethique", "Réunion de suivi", "2018-04-17") == "2018-04-17 16:30"
        ethique = Meeting.objects.filter(group__slug="ethique", report__date__in=["2018-03-13", "2018-04-17"])
        assert {timezone.localtime(m.start).strftime("%H:%M") for m in ethique} == {"18:30"}

    def test_each_group_has_meetings_to_come_one_moved_and_one_cancelled(self, demo):
        now = timezone.now()
        data = load_data()
        for group in data.groups:
            coming = Meeting.objects.filter(group__slug=group.slug, start__gt=now, report=None)
            monthly = coming.filter(kind="monthly")
            assert monthly.count() >= 3, group.slug
            months = [
                (m.start.astimezone(BRUSSELS).year, m.start.astimezone(BRUSSELS).month) for m in monthly
            ]
            assert len(set(months)) == len(months)
            days = {timezone.localtime(m.start).date() for m in monthly}
            assert all(day.weekday() == group.monthly_meeting.weekday for day in days)
            assert all((day.day - 1) // 7 + 1 == group.monthly_meeting.week for day in days)
            moved = monthly.get(status="moved")
            assert moved.sequence > 0
            assert timezone.localtime(moved.start).time() != group.monthly_meeting.hours[0]
            assert monthly.get(status="cancelled").sequence > 0
            planned = monthly.filter(status="planned")
            assert planned.exists() and set(planned.values_list("sequence", flat=True)) == {0}
            assert all(3 <= len(m.agenda_items()) <= 5 for m in monthly)
            assert all(m.place and m.time_known for m in monthly)
        hearing = Meeting.objects.get(kind="hearing", start__gt=now)
        assert hearing.status == "planned" and hearing.group.slug == data.upcoming.hearing.group
        assert hearing.guest_list() and hearing.agenda_items()

    def test_members_answered_their_groups_next_meeting_and_not_the_later_ones(self, demo):
        now = timezone.now()
        for group in WorkingGroupPage.objects.all():
            coming = Meeting.objects.filter(group=group, start__gt=now, status__in=["planned", "moved"])
            first, *later = coming.order_by("start")
            answers = Answer.objects.filter(meeting=first)
            assert answers.count() >= 4
            assert set(answers.values_list("response", flat=True)) == {"yes", "maybe", "no"}
            members = set(WorkingGroupMembership.objects.filter(page=group).values_list("user", flat=True))
            assert set(answers.values_list("user", flat=True)) <= members
            assert not Answer.objects.filter(meeting__in=later).exists()
        mine = Answer.objects.filter(user__username="membre-ethique-1")
        assert mine.count() == 1 and mine.get().meeting.group.slug == "ethique"
        assert Meeting.objects.filter(group__slug="ethique", start__gt=now).exclude(answers__in=mine).exists()

    def test_a_second_run_changes_no_meeting_nor_its_sequence(self, demo):
        before, answers = meetings_as_they_are(), set(Answer.objects.values_list("pk", "response"))
        call_command("load_demo", stdout=StringIO())
        assert meetings_as_they_are() == before
        assert set(Answer.objects.values_list("pk", "response")) == answers

    def test_loading_sent_no_invitation(self, demo, loaded_demo):
        assert loaded_demo["emails sent"] == []
        assert not OutgoingEmail.objects.exists()

    def test_a_run_on_a_later_day_adds_the_months_missing_and_changes_none_that_exists(
        self, demo, loaded_demo, django_capture_on_commit_callbacks
    ):
        before = meetings_as_they_are()
        later = loaded_demo["today"] + datetime.timedelta(days=45)
        with django_capture_on_commit_callbacks(execute=True):
            result = load_demo("demo", today=later)
        assert result.created["réunions"] >= 4  # at least a month more for each group
        after = meetings_as_they_are()
        assert {uid: after[uid] for uid in before} == before
        horizon = datetime.datetime.combine(later + datetime.timedelta(days=1), datetime.time(), BRUSSELS)
        for group in WorkingGroupPage.objects.all():
            monthly = Meeting.objects.filter(group=group, kind="monthly", report=None)
            months = [
                (m.start.astimezone(BRUSSELS).year, m.start.astimezone(BRUSSELS).month) for m in monthly
            ]
            assert len(set(months)) == len(months), group.slug  # one meeting a month, no duplicate
            coming = monthly.filter(start__gte=horizon)
            assert coming.count() >= 3, group.slug
            assert coming.filter(status="moved", sequence__gt=0).exists(), group.slug
            assert coming.filter(status="cancelled", sequence__gt=0).exists(), group.slug
            first = Meeting.objects.filter(group=group, start__gte=horizon, status__in=["planned", "moved"])
            assert Answer.objects.filter(meeting=first.order_by("start").first()).exists()
        # Nothing was sent for them either, not even once committed.
        assert mail.outbox == [] and not OutgoingEmail.objects.exists()
        # And a second run that day changes nothing more.
        again = meetings_as_they_are()
        assert not load_demo("demo", today=later).created
        assert meetings_as_they_are() == again

    def test_a_run_completes_the_whole_day_meetings_the_migration_made_for_the_reports(self, demo):
        """A database whose reports came before meetings: migration 0002 made a whole-day meeting
        for each; the demo finds each by its report and gives it its hours, place and agenda."""
        held = Meeting.objects.exclude(report=None)
        complete = {m["report"]: m for m in held.values("report", "start", "end", "place", "agenda")}
        held.delete()
        migration = importlib.import_module("meetings.migrations.0002_meetings_of_existing_reports")
        migration.meetings_for_reports(apps, None)
        assert held.count() == len(complete) and not held.filter(time_known=True).exists()
        output = StringIO()
        call_command("load_demo", stdout=output)
        assert f"{len(complete)} réunions complétées" in output.getvalue()
        assert held.count() == len(complete) and not held.filter(time_known=False).exists()
        assert {m["report"]: m for m in held.values("report", "start", "end", "place", "agenda")} == complete
        assert set(held.values_list("sequence", flat=True)) == {1}  # calendars see the new hours


def test_the_data_files_hold_four_groups_of_10_to_12_members_and_34_numbered_recommendations():
    data = load_data()
    assert [group.slug for group in data.groups] == ["ethique", "representation", "informatique", "finances"]
    assert all(10 <= group.member_count <= 12 for group in data.groups)
    assert [rec.number for group in data.groups for rec in group.recommendations] == list(range(1, 35))
    assert sorted(item.number for item in data.decisions.recommendations) == list(range(1, 35))
    assert len(data.monthly) == 7
    # An HTML field written one paragraph or list item per line is stored without those breaks.
    assert "\n" not in data.programme.history and "</p><ul><li>" in data.programme.history


@pytest.fixture
def data_dir(tmp_path):
    """A copy of the demo data files, to break."""
    copy = tmp_path / "data"
    shutil.copytree(demo_data.DATA_DIR, copy)
    return copy


def edit(directory, name, change):
    path = directory / name
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(content)
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")


def drop_a_title(groups):
    del groups["groups"][1]["recommendations"][2]["title"]


@pytest.mark.parametrize(
    "name, change, message",
    [
        (
            "groups.yaml",
            drop_a_title,
            "groups.yaml, at groups > item 2 > recommendations > item 3: missing key 'title'",
        ),
        (
            "programme.yaml",
            lambda c: c["programme"].update(status="fermé"),
            "programme.yaml, at programme > status: expected one of open, closed, found 'fermé'",
        ),
        (
            "programme.yaml",
            lambda c: c["programme"].update(start_date="1er septembre 2017"),
            "programme.yaml, at programme > start_date: expected an ISO date",
        ),
        (
            "meetings.yaml",
            lambda c: c["monthly"][0].update(titel="Lancement"),
            "meetings.yaml, at monthly > item 1: unknown key 'titel'",
        ),
        (
            "meetings.yaml",
            lambda c: c["monthly"][0].update(summary="Le point sur {fcous}."),
            "meetings.yaml, at monthly > item 1 > summary: unknown or broken placeholder ('fcous')",
        ),
        (
            "groups.yaml",
            lambda c: c["groups"][0]["recommendations"][1].update(number=3),
            "groups.yaml, at groups > item 1 > recommendations > item 2 > number: expected 2",
        ),
        (
            "groups.yaml",
            lambda c: c["groups"][0]["monthly_meeting"].update(weekday="mardi"),
            "groups.yaml, at groups > item 1 > monthly_meeting > weekday: expected one of monday,",
        ),
        (
            "moderation.yaml",
            lambda c: c["decisions"]["recommendations"].pop(16),
            "moderation.yaml, at decisions > recommendations: every recommendation, 1 to 34, needs exactly",
        ),
        (
            "moderation.yaml",
            lambda c: c["decisions"]["recommendations"][8].pop("merged_into"),
            "moderation.yaml, at decisions > recommendations > item 9 > merged_into: a merged recommendation",
        ),
        (
            "moderation.yaml",
            lambda c: c["decisions"]["recommendations"][0].update(assembly="adoptée"),
            "moderation.yaml, at decisions > recommendations > item 1 > assembly: expected one of pending,",
        ),
        (
            "library.yaml",
            lambda c: c["downloads"][0].update(user="membre-ethique-99"),
            "library.yaml, at downloads > item 1 > user: 'membre-ethique-99' is no account of accounts.yaml",
        ),
        (
            "library.yaml",
            lambda c: c["resources"][0].update(file="charte.docx"),
            "library.yaml, at resources > item 1 > file: expected a file name ending in .pdf or .odp",
        ),
        (
            "library.yaml",
            lambda c: c["resources"][1].update(kind="minutes"),
            "library.yaml, at resources > item 2 > kind: expected one of guide, presentation, report",
        ),
        (
            "library.yaml",
            lambda c: c["resources"][1].update(uploaded_by="membre-ethique-1"),
            "library.yaml, at resources > item 2 > uploaded_by: 'membre-ethique-1' is no role account",
        ),
        (
            "groups.yaml",
            lambda c: c["groups"][0]["monthly_meeting"].update(hours=1110),  # 18:30, read as base 60
            "groups.yaml, at groups > item 1 > monthly_meeting > hours: expected hours such as 18:30-20:30",
        ),
        (
            "groups.yaml",
            lambda c: c["groups"][1]["extra_meetings"][0].update(place="Rue de la Loi 16"),
            "groups.yaml, at groups > item 2 > extra_meetings > item 1 > place: expected one of",
        ),
        (
            "meetings.yaml",
            lambda c: c["monthly"][2]["agenda"].extend(["Divers", "Divers"]),
            "meetings.yaml, at monthly > item 3 > agenda: expected 3 to 5 points, found 6",
        ),
        (
            "meetings.yaml",
            lambda c: c["upcoming"]["moved"].update(hours="18:30-20:30"),
            "meetings.yaml, at upcoming > moved > hours: the usual hours of the group 'ethique'",
        ),
        (
            "meetings.yaml",
            lambda c: c["upcoming"]["answers"].append({"member": 11, "response": "yes"}),
            "meetings.yaml, at upcoming > answers > item 7 > member: the group 'representation' has 10",
        ),
        (
            "library.yaml",
            lambda c: c["access_requests"][0].update(created_at="il y a deux jours"),
            "library.yaml, at access_requests > item 1 > created_at: expected a date and time",
        ),
    ],
)
def test_a_broken_data_file_gives_an_error_naming_the_file_and_the_key(data_dir, name, change, message):
    load_data(data_dir)  # the copy is sound before it is broken
    edit(data_dir, name, change)
    with pytest.raises(DemoDataError) as error:
        load_data(data_dir)
    assert str(error.value).startswith(message)


def test_a_missing_or_unreadable_data_file_is_named(data_dir):
    (data_dir / "library.yaml").unlink()
    with pytest.raises(DemoDataError, match=r"^library\.yaml: file not found"):
        load_data(data_dir)
    (data_dir / "library.yaml").write_text("minutes: [not closed\n", encoding="utf-8")
    with pytest.raises(DemoDataError, match=r"^library\.yaml: not valid YAML"):
        load_data(data_dir)


def test_the_command_stops_on_broken_data_before_writing_anything(db, settings, monkeypatch, data_dir):
    settings.DEBUG = True
    edit(data_dir, "groups.yaml", drop_a_title)
    monkeypatch.setattr(demo_data, "DATA_DIR", data_dir)
    users = get_user_model().objects.count()
    with pytest.raises(CommandError, match=r"groups\.yaml, at groups > item 2 > recommendations > item 3"):
        call_command("load_demo", stdout=StringIO())
    assert not ProgrammePage.objects.exists()
    assert get_user_model().objects.count() == users
