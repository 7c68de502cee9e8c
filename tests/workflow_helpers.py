"""Moderation as people do it in the admin: submit, approve or request changes, from the dashboard."""

from django.core import mail
from django.utils.text import slugify
from wagtail.models import Page, TaskState, Workflow
from wagtail.test.utils.form_data import rich_text

from workinggroups.models import MeetingReportPage
from workinggroups.workflow import WORKFLOW_NAME

from .admin_forms import create_form_data, edit_form_data, error_text, post_edit
from .factories import MeetingReportPageFactory


def draft_report_in_admin(client, group, title="Compte rendu de la réunion de mars", submit=True):
    """An editor writes a meeting report in the admin and (by default) submits it for moderation."""
    url, data = create_form_data(client, group, MeetingReportPage)
    data["title"] = title
    data["slug"] = slugify(title)
    data["date"] = "2018-03-13"
    data["kind"] = "monthly"
    data["summary"] = rich_text("<p>Le groupe a validé ses recommandations.</p>")
    data["tags"] = "charte, éthique"
    if submit:
        data["action-submit"] = "action-submit"
    response = client.post(url, data)
    assert response.status_code == 302, error_text(response)[:3000]
    return MeetingReportPage.objects.child_of(group).get(title=title)


def report_awaiting_the_board(group, editor, title="Compte rendu de décembre", slug="decembre"):
    """A meeting report an editor submitted and the group's facilitator approved: the board's turn."""
    report = MeetingReportPageFactory(parent=group, title=title, slug=slug, live=False)
    report.save_revision(user=editor)
    Workflow.objects.get(name=WORKFLOW_NAME).start(report, editor)
    report.current_workflow_task_state.approve(user=group.facilitator)
    return report


def submit_for_moderation(client, page):
    return post_edit(client, page, edit_form_data(client, page), "action-submit")


def current_task_state(page):
    page = Page.objects.get(pk=page.pk)
    state = page.current_workflow_task_state
    return state


def act(client, page, action, comment="", task_state=None):
    """Approve or request changes the way the dashboard does: the workflow action URL, with its form."""
    task_state = task_state or current_task_state(page)
    url = f"/admin/pages/workflow/action/{page.pk}/{action}/{task_state.pk}/"
    return client.post(url, {"comment": comment})


def outbox_for(*usernames):
    """Messages sent to each of these demo-style usernames (their address is <username>@example.org)."""
    return [m for m in mail.outbox if any(f"{u}@example.org" in m.to for u in usernames)]


def recipients():
    return sorted(address.split("@")[0] for message in mail.outbox for address in message.to)


def task_status(task_state):
    return TaskState.objects.get(pk=task_state.pk).status
