"""``manage.py load_demo`` builds the seed text's programme, and a second run changes nothing."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from wagtail.models import GroupPagePermission, Page, PageLogEntry, Revision, WorkflowState

from documents.models import AccessRequest, DownloadLogEntry
from workinggroups.choices import MembershipRole
from workinggroups.models import (
    BoardDecision,
    DecisionStatus,
    MeetingReportPage,
    ProgrammePage,
    RecommendationPage,
    WorkingGroupMembership,
    WorkingGroupPage,
)

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
    }


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())


def test_demo_builds_the_2017_2018_programme(demo):
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


def test_each_group_has_a_facilitator_a_board_liaison_and_10_to_12_members_of_mixed_profiles(demo):
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


def test_demo_accounts_log_in_with_the_demo_password(demo, client):
    for username in ACCOUNTS:
        assert client.login(username=username, password="demo"), username
    assert get_user_model().objects.get(username="admin").is_superuser
    assert get_user_model().objects.filter(username="membre-ethique-3").exists()
    assert not get_user_model().objects.filter(is_superuser=True).exclude(username="admin").exists()


def test_demo_password_comes_from_the_environment(db, settings, monkeypatch, client):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "autre-secret")
    call_command("load_demo", stdout=StringIO())
    assert client.login(username="membre", password="autre-secret")
    assert not client.login(username="membre", password="demo")


def test_a_second_run_changes_no_counts(demo):
    before = counts()
    call_command("load_demo", stdout=StringIO())
    assert counts() == before


def test_demo_refuses_to_run_without_debug_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo")
    assert not ProgrammePage.objects.exists()
    call_command("load_demo", "--force", stdout=StringIO())
    assert ProgrammePage.objects.exists()


def test_members_see_the_demo_in_french(demo, client):
    client.login(username="membre", password="demo")
    home = client.get("/").content.decode()
    assert "Groupes de travail 2017-2018" in home
    assert "34</strong> recommandations publiées" in home
    programme = client.get("/groupes-de-travail-2017-2018/").content.decode()
    for title in ("Le comité éthique", "La représentation de Smart", "Les outils informatiques"):
        assert title in programme


def test_demo_has_reports_waiting_at_each_step_and_one_sent_back(demo):
    states = WorkflowState.objects.select_related("current_task_state__task")
    in_progress = [
        s.current_task_state.task.name for s in states if s.status == WorkflowState.STATUS_IN_PROGRESS
    ]
    assert sorted(in_progress) == sorted(
        ["Relecture par l'animation du groupe"] * 2 + ["Approbation du Conseil d'administration"] * 2
    )
    sent_back = states.get(status=WorkflowState.STATUS_NEEDS_CHANGES)
    assert "liste des personnes présentes" in sent_back.current_task_state.comment


def test_demo_facilitator_sees_their_groups_pending_report_on_the_dashboard(demo, client):
    client.login(username="animateur-ethique", password="demo")
    dashboard = client.get("/admin/").content.decode()
    assert "Réunion de suivi – avril 2018" in dashboard
    client.login(username="animateur-representation", password="demo")
    assert "Réunion de suivi – avril 2018" not in client.get("/admin/").content.decode()


def test_demo_board_decisions_cover_every_recommendation_and_status(demo):
    decisions = BoardDecision.objects.all()
    assert decisions.count() == 34
    assert set(decisions.values_list("status", flat=True)) == set(DecisionStatus.values)
    for decision in decisions.exclude(status=DecisionStatus.RECEIVED):
        assert decision.history.exists()
    implemented = decisions.filter(status=DecisionStatus.IMPLEMENTED).first()
    assert list(implemented.history.values_list("to_status", flat=True))[-2:] == ["presented", "implemented"]


def test_demo_minutes_are_real_pdfs_linked_from_each_meeting_and_restricted(demo, client):
    reports = MeetingReportPage.objects.live()
    assert reports.exclude(minutes=None).count() == reports.count() == 37
    report = reports.select_related("minutes").first()
    client.login(username="membre", password="demo")
    assert client.get(report.minutes.url).status_code == 403
    client.login(username=f"animateur-{report.get_parent().slug}", password="demo")
    response = client.get(report.minutes.url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-1.4")
    statuses = set(AccessRequest.objects.values_list("status", flat=True))
    assert {"pending", "granted", "refused", "expired"} <= statuses
    assert DownloadLogEntry.objects.count() >= 3
