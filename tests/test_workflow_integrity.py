"""Each way a moderation could be forced or corrupted, tried and refused."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.exceptions import PermissionDenied
from wagtail.models import PageLogEntry, Revision, TaskState, WorkflowState

from workinggroups.choices import MembershipRole
from workinggroups.models import MeetingReportPage
from workinggroups.workflow import BOARD_TASK_NAME, FACILITATOR_TASK_NAME, editorial_content

from .admin_forms import edit_form_data, post_edit
from .factories import (
    BoardMemberFactory,
    UserFactory,
    add_membership,
)
from .workflow_helpers import act, current_task_state, draft_report_in_admin, recipients, task_status

pytestmark = pytest.mark.usefixtures("shared_world")


def refused(response):
    """Wagtail answers a refused admin action with 403, or a redirect to the dashboard with a message."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


@pytest.fixture
def report_at_facilitator_step(group_a, group_b, editor, as_user):
    return draft_report_in_admin(as_user(editor), group_a, title="Rapport confidentiel du groupe A")


@pytest.fixture
def report_at_board_step(report_at_facilitator_step, group_a, as_user):
    act(as_user(group_a.facilitator), report_at_facilitator_step, "approve")
    assert current_task_state(report_at_facilitator_step).task.name == BOARD_TASK_NAME
    return report_at_facilitator_step


def review_urls(page):
    state = current_task_state(page)
    return [
        f"/admin/pages/{page.pk}/edit/",
        f"/admin/pages/workflow/preview/{page.pk}/{state.task_id}/",
        f"/admin/pages/{page.pk}/edit/preview/",
        f"/admin/pages/{page.pk}/view_draft/",
        f"/admin/pages/{page.pk}/revisions/{page.latest_revision_id}/view/",
        f"/admin/pages/workflow/action/{page.pk}/approve/{state.pk}/",
        f"/admin/pages/workflow/collect_action_data/{page.pk}/approve/{state.pk}/",
    ]


def test_another_groups_facilitator_cannot_open_the_review(report_at_facilitator_step, group_b, as_user):
    client = as_user(group_b.facilitator)
    for url in review_urls(report_at_facilitator_step):
        response = client.get(url)
        assert refused(response), f"{url} answered {response.status_code}"
        assert "Rapport confidentiel du groupe A" not in response.content.decode()


def test_another_groups_facilitator_cannot_approve_by_any_url(report_at_facilitator_step, group_b, as_user):
    state = current_task_state(report_at_facilitator_step)
    client = as_user(group_b.facilitator)
    page = report_at_facilitator_step
    for action in ("approve", "reject"):
        assert refused(
            client.post(f"/admin/pages/workflow/action/{page.pk}/{action}/{state.pk}/", {"comment": "x"})
        )
        assert refused(
            client.post(f"/admin/pages/workflow/collect_action_data/{page.pk}/{action}/{state.pk}/")
        )
    data = {"action-workflow-action": "1", "workflow-action-name": "approve"}
    assert refused(client.post(f"/admin/pages/{page.pk}/edit/", data))
    assert task_status(state) == TaskState.STATUS_IN_PROGRESS


def test_a_forged_task_state_id_does_not_approve_another_groups_page(
    report_at_facilitator_step, group_b, editor, as_user
):
    """B's facilitator names their own page in the URL, and A's task state in the id."""
    page_b = draft_report_in_admin(as_user(editor), group_b, title="Rapport du groupe B")
    state_a = current_task_state(report_at_facilitator_step)
    state_b = current_task_state(page_b)
    client = as_user(group_b.facilitator)
    response = client.post(f"/admin/pages/workflow/action/{page_b.pk}/approve/{state_a.pk}/", {"comment": ""})
    assert refused(response)
    assert task_status(state_a) == TaskState.STATUS_IN_PROGRESS
    assert task_status(state_b) == TaskState.STATUS_IN_PROGRESS
    assert current_task_state(report_at_facilitator_step).task.name == FACILITATOR_TASK_NAME


def test_a_member_given_admin_access_cannot_approve(report_at_facilitator_step, member, group_a, as_user):
    member.user_permissions.add(Permission.objects.get(codename="access_admin"))
    state = current_task_state(report_at_facilitator_step)
    for user in (member, group_a.people[0], group_a.liaison):
        client = as_user(user)
        response = client.post(
            f"/admin/pages/workflow/action/{report_at_facilitator_step.pk}/approve/{state.pk}/"
        )
        assert refused(response), user.username
        assert "Rapport confidentiel du groupe A" not in client.get("/admin/").content.decode()
    assert task_status(state) == TaskState.STATUS_IN_PROGRESS


def test_the_board_cannot_approve_at_the_facilitator_step(report_at_facilitator_step, board_member, as_user):
    state = current_task_state(report_at_facilitator_step)
    response = act(as_user(board_member), report_at_facilitator_step, "approve", task_state=state)
    assert refused(response)
    assert task_status(state) == TaskState.STATUS_IN_PROGRESS


def test_a_double_submit_publishes_once(report_at_board_step, board_member, as_user):
    state = current_task_state(report_at_board_step)
    client = as_user(board_member)
    first = act(client, report_at_board_step, "approve", task_state=state)
    second = act(client, report_at_board_step, "approve", task_state=state)
    assert first.status_code == 302 and second.status_code in (302, 403)
    assert PageLogEntry.objects.filter(page=report_at_board_step, action="wagtail.publish").count() == 1


def test_editing_after_the_facilitator_approved_goes_back_to_the_facilitators(
    report_at_board_step, board_member, as_user
):
    page = report_at_board_step
    client = as_user(board_member)  # the board may edit during its own step
    data = edit_form_data(client, page)
    data["title"] = "Rapport amendé par le Conseil"
    mail.outbox.clear()
    assert post_edit(client, page, data, None).status_code == 302
    state = current_task_state(page)
    assert state.task.name == FACILITATOR_TASK_NAME
    assert state.revision_id == MeetingReportPage.objects.get(pk=page.pk).latest_revision_id
    assert recipients() == ["animateur-ethique"]
    assert not MeetingReportPage.objects.get(pk=page.pk).live


def test_a_comment_only_save_does_not_restart_the_review(report_at_board_step, board_member):
    page = MeetingReportPage.objects.get(pk=report_at_board_step.pk)
    page.save_revision(user=board_member, changed=False)  # same content, e.g. a comment added
    assert current_task_state(page).task.name == BOARD_TASK_NAME


def comment_in_the_admin(client, page, text):
    """Add a comment in the page editor and save, as a reviewer does: a new revision, same content."""
    data = edit_form_data(client, page)
    data.update(
        {
            "comments-TOTAL_FORMS": "1",
            "comments-INITIAL_FORMS": "0",
            "comments-MIN_NUM_FORMS": "0",
            "comments-MAX_NUM_FORMS": "",
            "comments-0-contentpath": "title",
            "comments-0-text": text,
            "comments-0-position": "",
            "comments-0-resolved": "",
            "comments-0-replies-TOTAL_FORMS": "0",
            "comments-0-replies-INITIAL_FORMS": "0",
            "comments-0-replies-MIN_NUM_FORMS": "0",
            "comments-0-replies-MAX_NUM_FORMS": "",
        }
    )
    before = MeetingReportPage.objects.get(pk=page.pk).latest_revision_id
    assert post_edit(client, page, data, None).status_code == 302
    assert MeetingReportPage.objects.get(pk=page.pk).latest_revision_id != before  # a new revision


def test_a_comment_only_save_at_the_facilitator_step_leaves_the_review_to_be_approved(
    report_at_facilitator_step, group_a, board_member, as_user
):
    page = report_at_facilitator_step
    facilitator = as_user(group_a.facilitator)
    review = current_task_state(page)
    comment_in_the_admin(facilitator, page, "Préciser la date de la prochaine réunion ?")
    assert current_task_state(page).pk == review.pk  # the same review goes on, not restarted
    assert not TaskState.objects.filter(status=TaskState.STATUS_CANCELLED).exists()
    response = act(facilitator, page, "approve")
    assert response.status_code in (200, 302) and not refused(response)
    assert current_task_state(page).task.name == BOARD_TASK_NAME
    # And from the edit view of a tab opened before the comment was saved.
    assert act(as_user(board_member), page, "approve").status_code in (200, 302)
    page.refresh_from_db()
    assert page.live


def test_a_comment_only_save_at_the_board_step_does_not_send_it_back_to_the_facilitators(
    report_at_board_step, board_member, as_user
):
    page = report_at_board_step
    board = as_user(board_member)
    comment_in_the_admin(board, page, "Vu en séance, d'accord.")
    assert current_task_state(page).task.name == BOARD_TASK_NAME
    act(board, page, "approve")
    page.refresh_from_db()
    assert page.live and current_task_state(page) is None


def test_approving_in_a_tab_opened_before_a_comment_only_save_goes_through(
    report_at_facilitator_step, group_a, as_user
):
    page = report_at_facilitator_step
    co_facilitator = UserFactory(username="coanimatrice")
    add_membership(group_a, co_facilitator, MembershipRole.FACILITATOR, "staff")
    facilitator = as_user(group_a.facilitator)
    opened = edit_form_data(facilitator, page)  # the facilitator's tab, on the submitted version
    comment_in_the_admin(as_user(co_facilitator), page, "J'ai ajouté une note pour la relecture.")
    opened["action-workflow-action"] = "1"
    opened["workflow-action-name"] = "approve"
    response = facilitator.post(f"/admin/pages/{page.pk}/edit/", opened, follow=True)
    assert "modifiée depuis que vous l" not in response.content.decode()
    assert current_task_state(page).task.name == BOARD_TASK_NAME


def test_approving_from_a_stale_tab_does_not_publish_unreviewed_content(
    report_at_facilitator_step, group_a, as_user
):
    page = report_at_facilitator_step
    second_facilitator = UserFactory(username="coanimatrice")
    add_membership(group_a, second_facilitator, MembershipRole.FACILITATOR, "staff")
    first_client, second_client = as_user(group_a.facilitator), as_user(second_facilitator)

    stale_form = edit_form_data(first_client, page)  # tab opened on the submitted version
    stale_state = current_task_state(page)
    newer = edit_form_data(second_client, page)
    newer["title"] = "Rapport modifié après l'ouverture de l'onglet"
    assert post_edit(second_client, page, newer, None).status_code == 302

    stale_form["action-workflow-action"] = "1"
    stale_form["workflow-action-name"] = "approve"
    first_client.post(f"/admin/pages/{page.pk}/edit/", stale_form)
    assert refused(act(first_client, page, "approve", task_state=stale_state))

    page.refresh_from_db()
    assert not page.live
    state = current_task_state(page)
    assert state.task.name == FACILITATOR_TASK_NAME and state.status == TaskState.STATUS_IN_PROGRESS
    assert state.revision_id == page.latest_revision_id
    assert page.draft_title == "Rapport modifié après l'ouverture de l'onglet"


def test_the_board_approving_a_version_edited_since_publishes_nothing(
    report_at_board_step, board_member, as_user
):
    page = report_at_board_step
    board_state = current_task_state(page)
    editor_client = as_user(board_member)
    data = edit_form_data(editor_client, page)
    data["title"] = "Changé pendant l'approbation"
    post_edit(editor_client, page, data, None)
    other_board_member = BoardMemberFactory(username="conseil-autre")
    assert refused(act(as_user(other_board_member), page, "approve", task_state=board_state))
    page.refresh_from_db()
    assert not page.live


def test_a_reviewed_revision_cannot_be_rewritten(report_at_facilitator_step, editor):
    page = MeetingReportPage.objects.get(pk=report_at_facilitator_step.pk)
    submitted = page.latest_revision
    before = dict(submitted.content)
    page.title = "Titre glissé après la soumission"
    with pytest.raises(PermissionDenied) as refused:
        page.save_revision(user=editor, overwrite_revision=submitted)
    assert str(refused.value) == (
        "Cette version a été soumise à relecture et ne peut plus être modifiée : "
        "enregistrez une nouvelle version."
    )
    submitted.refresh_from_db()
    assert submitted.content["title"] == before["title"]
    # Bookkeeping (comments, the page's flags) may still be written to it: that is not what was reviewed.
    submitted.content = {**submitted.content, "wagtail_admin_comments": [], "has_unpublished_changes": True}
    submitted.save(update_fields=["content"])
    submitted.refresh_from_db()
    assert submitted.content["has_unpublished_changes"] is True


def test_cancelling_a_workflow_keeps_the_authors_edits(group_a, editor, as_user):
    client = as_user(editor)
    page = draft_report_in_admin(client, group_a, title="Compte rendu à annuler")
    data = edit_form_data(client, page)
    data["action-cancel-workflow"] = "1"
    # The author is locked out during review, so Wagtail cancels and shows the form again.
    assert client.post(f"/admin/pages/{page.pk}/edit/", data).status_code in (200, 302)
    assert WorkflowState.objects.get().status == WorkflowState.STATUS_CANCELLED
    page = MeetingReportPage.objects.get(pk=page.pk)
    assert page.draft_title == "Compte rendu à annuler"
    latest = page.get_latest_revision_as_object()
    assert "Le groupe a validé ses recommandations." in latest.summary
    assert Revision.objects.filter(object_id=str(page.pk)).exists()
    assert not page.live


def test_what_a_reviewer_reviews_ignores_the_ids_of_re_created_inline_rows_but_not_their_content():
    """A form that re-creates the same tags or memberships (new ids) has not changed the content;
    a changed tag or membership has, even when the row keeps its id."""
    reviewed = {"title": "Réunion", "tagged_items": [{"pk": 7, "tag": 3, "content_object": 40}]}
    recreated = {"title": "Réunion", "tagged_items": [{"pk": 91, "tag": 3, "content_object": 40}]}
    retagged = {"title": "Réunion", "tagged_items": [{"pk": 7, "tag": 4, "content_object": 40}]}
    assert editorial_content(recreated) == editorial_content(reviewed)
    assert editorial_content(retagged) != editorial_content(reviewed)
    assert editorial_content({**reviewed, "latest_revision": 12, "draft_title": "x"}) == editorial_content(
        reviewed
    )
