"""The moderation path, end to end in Django's test client, with who is emailed at each step."""

import re

import pytest
from django.core import mail
from wagtail.models import PageLogEntry, TaskState, WorkflowState

from workinggroups.models import FacilitatorApprovalTask, MeetingReportPage
from workinggroups.workflow import BOARD_TASK_NAME, FACILITATOR_TASK_NAME, WORKFLOW_NAME

from .factories import BoardMemberFactory, ProgrammePageFactory, RecommendationPageFactory
from .workflow_helpers import (
    act,
    current_task_state,
    draft_report_in_admin,
    recipients,
    submit_for_moderation,
)

pytestmark = pytest.mark.usefixtures("shared_world")


@pytest.fixture
def people(group_a, group_b, editor, board_member, member, superuser):
    second_board_member = BoardMemberFactory(username="conseil-2")
    return {
        "group_a": group_a,
        "group_b": group_b,
        "editor": editor,
        "board": board_member,
        "board2": second_board_member,
        "member": member,
        "superuser": superuser,
    }


def test_the_workflow_has_two_steps_and_covers_every_programme(programme, home):
    workflow = programme.get_workflow()
    assert workflow.name == WORKFLOW_NAME
    tasks = [task.specific for task in workflow.tasks]
    assert [task.name for task in tasks] == [FACILITATOR_TASK_NAME, BOARD_TASK_NAME]
    assert isinstance(tasks[0], FacilitatorApprovalTask)
    assert [g.name for g in tasks[1].groups.all()] == ["Conseil d'administration"]
    new_programme = ProgrammePageFactory(parent=home)
    assert new_programme.get_workflow() == workflow


def test_report_goes_from_editor_to_facilitator_to_board_to_members(people, as_user):
    group_a = people["group_a"]
    editor_client = as_user(people["editor"])
    mail.outbox.clear()

    report = draft_report_in_admin(editor_client, group_a)
    assert not report.live
    assert current_task_state(report).task.specific.name == FACILITATOR_TASK_NAME
    # Only this group's facilitator hears of it: not the other group's, not the board, not superusers.
    assert recipients() == ["animateur-ethique"]
    assert "À relire" in mail.outbox[0].subject
    assert mail.outbox[0].alternatives, "the notification has an HTML part"

    member_client = as_user(people["member"])
    assert member_client.get(f"{group_a.url}{report.slug}/").status_code == 404

    facilitator_client = as_user(group_a.facilitator)
    dashboard = facilitator_client.get("/admin/").content.decode()
    assert "Compte rendu de la réunion de mars" in dashboard
    other_dashboard = as_user(people["group_b"].facilitator).get("/admin/").content.decode()
    assert "Compte rendu de la réunion de mars" not in other_dashboard

    mail.outbox.clear()
    assert act(facilitator_client, report, "approve").status_code in (200, 302)
    assert current_task_state(report).task.name == BOARD_TASK_NAME
    assert recipients() == ["conseil", "conseil-2", "conseil-ethique", "conseil-finances"]
    assert not MeetingReportPage.objects.get(pk=report.pk).live

    board_client = as_user(people["board"])
    assert "Compte rendu de la réunion de mars" in board_client.get("/admin/").content.decode()
    mail.outbox.clear()
    assert act(board_client, report, "approve").status_code in (200, 302)
    report.refresh_from_db()
    assert report.live
    assert recipients() == ["editeur"]
    assert "Publiée" in mail.outbox[0].subject
    assert member_client.get(report.url).status_code == 200
    assert PageLogEntry.objects.filter(page=report, action="wagtail.publish").count() == 1


def test_request_changes_sends_the_comment_to_the_author_who_fixes_and_resubmits(people, as_user):
    group_a = people["group_a"]
    editor_client = as_user(people["editor"])
    report = draft_report_in_admin(editor_client, group_a)
    facilitator_client = as_user(group_a.facilitator)
    mail.outbox.clear()

    act(facilitator_client, report, "reject", comment="Ajoutez la liste des présents, s'il vous plaît.")
    assert recipients() == ["editeur"]
    message = mail.outbox[0]
    assert "Modifications demandées" in message.subject
    assert "Ajoutez la liste des présents" in message.body
    assert WorkflowState.objects.get(status=WorkflowState.STATUS_NEEDS_CHANGES)

    mail.outbox.clear()
    assert submit_for_moderation(editor_client, report).status_code == 302
    assert current_task_state(report).task.name == FACILITATOR_TASK_NAME
    assert recipients() == ["animateur-ethique"]


def test_the_same_path_holds_for_recommendations_and_group_pages(people, as_user):
    group_a = people["group_a"]
    recommendation = RecommendationPageFactory(parent=group_a, number=40, live=False)
    recommendation.save_revision(user=group_a.people[0])
    for page in (recommendation, group_a):
        author = as_user(group_a.people[0])
        assert submit_for_moderation(author, page).status_code == 302
        assert current_task_state(page).task.name == FACILITATOR_TASK_NAME
        act(as_user(group_a.facilitator), page, "approve")
        assert current_task_state(page).task.name == BOARD_TASK_NAME
        act(as_user(people["board"]), page, "approve")
        page.refresh_from_db()
        assert page.live and not page.has_unpublished_changes


def test_a_page_outside_any_group_skips_the_facilitator_step(people, programme, as_user):
    client = as_user(people["editor"])
    mail.outbox.clear()
    assert submit_for_moderation(client, programme).status_code == 302
    state = current_task_state(programme)
    assert state.task.name == BOARD_TASK_NAME
    skipped = TaskState.objects.get(workflow_state=state.workflow_state, task__name=FACILITATOR_TASK_NAME)
    assert skipped.status == TaskState.STATUS_SKIPPED and skipped.finished_at is not None
    assert skipped.comment == SKIPPED_BECAUSE
    assert "animateur-ethique" not in recipients()
    # The page's history says which step was passed, why, and that nobody decided it.
    entry = PageLogEntry.objects.filter(page=programme, action="wagtail.workflow.approve").get()
    assert entry.user is None and entry.revision_id == skipped.revision_id
    submitted = PageLogEntry.objects.get(page=programme, action="wagtail.workflow.start")
    assert submitted.user == people["editor"] and entry.uuid == submitted.uuid  # one action in the history
    assert entry.data == {
        "workflow": {
            "id": state.workflow_state.workflow_id,
            "title": WORKFLOW_NAME,
            "status": TaskState.STATUS_SKIPPED,
            "task_state_id": skipped.pk,
            "task": {"id": skipped.task_id, "title": FACILITATOR_TASK_NAME},
            "next": None,
        },
        "comment": SKIPPED_BECAUSE,
    }
    history = client.get(f"/admin/pages/{programme.pk}/history/").content.decode()
    assert SKIPPED_BECAUSE.replace("'", "&#x27;") in history


SKIPPED_BECAUSE = (
    "Étape passée : la page n'appartient à aucun groupe de travail qui ait un·e animateur·rice actif·ve."
)


def test_the_facilitators_actions_are_named_for_what_they_do(group_a, group_b, editor, as_user):
    page = draft_report_in_admin(as_user(editor), group_a)
    task = FacilitatorApprovalTask.objects.get()
    page = MeetingReportPage.objects.get(pk=page.pk)
    assert task.get_actions(page, group_a.facilitator) == [
        ("reject", "Demander des modifications", True),  # True: a comment is asked for
        ("approve", "Approuver", False),
        ("approve", "Approuver avec un commentaire", True),
    ]
    assert task.get_actions(page, group_b.facilitator) == []
    assert task.get_actions(page, editor) == []


def test_notification_preferences_are_respected(people, as_user):
    from wagtail.users.models import UserProfile

    group_a = people["group_a"]
    profile = UserProfile.get_for_user(group_a.facilitator)
    profile.submitted_notifications = False
    profile.save()
    mail.outbox.clear()
    draft_report_in_admin(as_user(people["editor"]), group_a)
    assert recipients() == []


def test_superusers_are_only_notified_when_configured(people, as_user, settings):
    settings.WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = True
    mail.outbox.clear()
    draft_report_in_admin(as_user(people["editor"]), people["group_a"])
    # Superusers then also get Wagtail's "submitted to the workflow" message.
    assert set(recipients()) == {"admin", "animateur-ethique"}


def test_every_recipient_may_view_the_page(people, as_user):
    """Whoever is emailed about a page can open it in the admin (review) or on the site (published)."""
    group_a = people["group_a"]
    report = draft_report_in_admin(as_user(people["editor"]), group_a)
    for message in mail.outbox:
        username = message.to[0].split("@")[0]
        user = type(people["editor"]).objects.get(username=username)
        response = as_user(user).get(
            f"/admin/pages/workflow/preview/{report.pk}/{current_task_state(report).task_id}/"
        )
        assert response.status_code == 200, username


def test_who_approves_the_facilitator_step(group_a, editor, superuser, as_user):
    """Active facilitators of the page's group approve, and superusers; nobody inactive."""
    page = MeetingReportPage.objects.get(pk=draft_report_in_admin(as_user(editor), group_a).pk)
    task = FacilitatorApprovalTask.objects.get()
    assert task.user_is_approver(page, group_a.facilitator)
    assert task.user_is_approver(page, superuser)
    group_a.facilitator.is_active = False
    assert not task.user_is_approver(page, group_a.facilitator)
    superuser.is_active = False
    assert not task.user_is_approver(page, superuser)


def test_a_facilitators_groups_are_read_once_per_request(group_a, editor, as_user, django_assert_num_queries):
    """The dashboard asks every row whether its reader approves it: one query for all of them."""
    page = MeetingReportPage.objects.get(pk=draft_report_in_admin(as_user(editor), group_a).pk)
    task = FacilitatorApprovalTask.objects.get()
    facilitator = type(group_a.facilitator).objects.get(pk=group_a.facilitator.pk)
    with django_assert_num_queries(1):
        assert task.user_is_approver(page, facilitator)
        assert task.user_is_approver(page, facilitator)
        assert task.get_actions(page, facilitator)


def test_the_task_type_says_what_it_does_where_the_board_adds_a_step(superuser, as_user):
    html = as_user(superuser).get("/admin/workflows/tasks/select_type/").content.decode()
    assert "relecture par l&#x27;animation du groupe" in html.lower()
    descriptions = [text.strip() for text in re.findall(r'<div class="col6">(.*?)</div>', html, re.S)]
    assert "Les animateur·rice·s du groupe de travail de la page relisent et approuvent." in descriptions
