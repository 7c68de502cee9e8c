"""What is written in bulk (sitewide/wagtail_internals.py) is what Wagtail's own API would have written.

Each function there relies on how Wagtail or django-treebeard store pages, revisions and
moderation states. These tests do the same thing twice, once with the public API (``add_child``,
``save_revision``, ``workflow.start``, approving) and once in bulk, and compare what Wagtail and
the site then see: an upgrade that changes the storage makes them differ and fails here.
"""

import datetime

import pytest
from wagtail.models import Page, TaskState, Workflow, WorkflowState

from sitewide.wagtail_internals import (
    bulk_add_children,
    bulk_save_revisions,
    bulk_submit_for_moderation,
    child_paths,
    insert_page_rows,
)
from workinggroups.models import MeetingReportPage, RecommendationPage
from workinggroups.moderation import reviewable_states
from workinggroups.workflow import BOARD_TASK_NAME, FACILITATOR_TASK_NAME, WORKFLOW_NAME

from .factories import MeetingReportPageFactory
from .workflow_helpers import act

pytestmark = pytest.mark.usefixtures("shared_world")

BASE_DATE = datetime.date(2019, 1, 7)


def new_pages(prefix, live=True):
    """Three reports and a recommendation, unsaved, the same whatever the prefix but for slug and title."""
    return [
        *[
            MeetingReportPage(
                title=f"{prefix} réunion {n}",
                slug=f"{prefix}-reunion-{n}",
                date=BASE_DATE + datetime.timedelta(days=n),
                kind="hearing",
                summary=f"<p>Compte rendu {n}.</p>",
                live=live,
            )
            for n in range(3)
        ],
        RecommendationPage(
            title=f"{prefix} recommandation",
            slug=f"{prefix}-recommandation",
            number=7,
            text="<p>Faire mieux.</p>",
            live=live,
        ),
    ]


def own_fields(page):
    """The page type's own fields, as read back from the database."""
    fields = type(page)._meta.get_fields(include_parents=False)
    return {
        f.name: getattr(page, f.name)
        for f in fields
        if f.concrete and not f.many_to_many and f.name != "page_ptr"
    }


def tree_as_seen_from(parent):
    """Every child of ``parent`` as Wagtail reads it back, relative to the parent (no ids, no prefixes)."""
    parent = Page.objects.get(pk=parent.pk)
    return [
        {
            "type": type(page).__name__,
            "step": page.path[len(parent.path) :],
            "depth below": page.depth - parent.depth,
            "numchild": page.numchild,
            "url below": page.url_path[len(parent.url_path) :].replace(parent.slug, "<parent>"),
            "parent is": page.get_parent().pk == parent.pk,
            "draft title": page.draft_title == page.title,
            "locale": page.locale.language_code,
            "live": page.live,
            **own_fields(page),
        }
        for page in parent.get_children().specific()
    ]


def test_child_paths_are_the_paths_add_child_gives(group_a):
    predicted = child_paths(group_a, 40)  # past "Z": the second digit of treebeard's base 36
    added = [MeetingReportPageFactory(parent=group_a) for _ in range(40)]
    assert predicted == [page.path for page in added]
    # After existing children, and after a gap where a child was deleted, as add_child goes on.
    added[12].delete()
    added[-1].delete()
    group_a.refresh_from_db()
    assert child_paths(group_a, 2) == [
        MeetingReportPageFactory(parent=group_a).path,
        MeetingReportPageFactory(parent=group_a).path,
    ]


def test_pages_added_in_bulk_are_indistinguishable_from_pages_added_with_add_child(
    group_a, group_b, editor, as_user
):
    # One child already there in both groups: the new ones go after it.
    for group in (group_a, group_b):
        MeetingReportPageFactory(parent=group, slug="deja-la", title="Déjà là", date=BASE_DATE)
    one_by_one = new_pages("x")
    for page in one_by_one:
        group_a.add_child(instance=page)
    in_bulk = bulk_add_children(group_b, new_pages("x"))

    assert tree_as_seen_from(group_b) == tree_as_seen_from(group_a)
    assert len(tree_as_seen_from(group_b)) == 5
    assert group_b.numchild == Page.objects.get(pk=group_b.pk).numchild == 5  # in memory too
    assert [page.pk for page in in_bulk] == list(group_b.get_children().values_list("pk", flat=True)[1:])
    assert all(
        isinstance(page.specific, type(page)) for page in Page.objects.filter(pk__in=[p.pk for p in in_bulk])
    )
    assert Page.find_problems() == ([], [], [], [], [])
    before = list(Page.objects.order_by("path").values_list("path", "depth", "numchild"))
    Page.fix_tree()
    assert list(Page.objects.order_by("path").values_list("path", "depth", "numchild")) == before
    # Served at their URL, with their type's template, like the others.
    client = as_user(group_b.facilitator)
    for page in in_bulk:
        response = client.get(page.url)
        assert response.status_code == 200 and page.title in response.content.decode()


def test_insert_page_rows_writes_every_field_of_every_page_type(group_b):
    pages = new_pages("y")
    for page, path in zip(pages, child_paths(group_b, len(pages)), strict=True):
        page.path, page.depth, page.draft_title = path, group_b.depth + 1, page.title
        page.set_url_path(group_b)
        page.locale = group_b.locale
    insert_page_rows(pages)
    for page in pages:
        stored = Page.objects.get(pk=page.pk).specific
        assert type(stored) is type(page) and stored.page_ptr_id == page.pk
        assert own_fields(stored) == own_fields(page)
        assert (stored.title, stored.slug, stored.url_path) == (page.title, page.slug, page.url_path)


def submit_with_the_api(group, editor):
    """Two drafts submitted as the admin does; the second approved by the facilitator (now at the board)."""
    workflow = Workflow.objects.get(name=WORKFLOW_NAME)
    pages = []
    for page in new_pages("api", live=False)[:2]:
        group.add_child(instance=page)
        page.save_revision(user=editor)
        workflow.start(page, editor)
        pages.append(page)
    pages[1].current_workflow_task_state.approve(user=group.facilitator)
    return pages


def submit_in_bulk(group, editor):
    workflow = Workflow.objects.get(name=WORKFLOW_NAME)
    pages = bulk_add_children(group, new_pages("bulk", live=False)[:2])
    revisions = bulk_save_revisions(pages, [editor, editor])
    bulk_submit_for_moderation(workflow, pages, revisions, [editor, editor], [[], [group.facilitator]])
    return pages


def moderation_as_seen(page, group):
    """What Wagtail's API says of a page in moderation, names of people relative to its group."""
    page = Page.objects.get(pk=page.pk).specific
    state = page.current_workflow_state
    task_state = page.current_workflow_task_state
    return {
        "latest revision": (
            page.latest_revision == page.get_latest_revision(),
            page.latest_revision.user.username,
        ),
        "draft": page.latest_revision.as_object().title == page.title
        and page.latest_revision.as_object().summary == page.summary,
        "revisions": page.revisions.count(),
        "page": (page.live, page.has_unpublished_changes, page.status_string, page.draft_title == page.title),
        "in progress": page.workflow_in_progress,
        "workflow": (state.workflow.name, state.status, state.requested_by.username),
        "current task": (page.current_workflow_task.name, type(task_state).__name__),
        "on the latest revision": task_state.revision_id == page.latest_revision_id,
        "tasks": [(task.name, task.status) for task in state.all_tasks_with_status()],
        "approvals": [
            (ts.task.name, ts.finished_by == group.facilitator, ts.finished_at is not None)
            for ts in state.task_states.filter(status=TaskState.STATUS_APPROVED)
        ],
        "editable by its reviewer": page.current_workflow_task.specific.user_can_access_editor(
            page, group.facilitator
        ),
    }


def test_pages_put_in_moderation_in_bulk_are_seen_as_if_submitted_with_the_api(
    group_a, group_b, editor, board_member, as_user
):
    with_the_api = submit_with_the_api(group_a, editor)
    in_bulk = submit_in_bulk(group_b, editor)

    for api_page, bulk_page in zip(with_the_api, in_bulk, strict=True):
        assert moderation_as_seen(bulk_page, group_b) == moderation_as_seen(api_page, group_a)
    assert moderation_as_seen(in_bulk[0], group_b)["current task"][0] == FACILITATOR_TASK_NAME
    assert moderation_as_seen(in_bulk[1], group_b)["current task"][0] == BOARD_TASK_NAME

    every_page = {str(page.pk) for page in [*with_the_api, *in_bulk]}
    assert set(WorkflowState.objects.active().values_list("object_id", flat=True)) == every_page

    def queue(user):
        return {
            int(s.workflow_state.object_id) for s in reviewable_states(user).select_related("workflow_state")
        }

    assert queue(group_a.facilitator) == {with_the_api[0].pk}
    assert queue(group_b.facilitator) == {in_bulk[0].pk}
    assert queue(board_member) == {with_the_api[1].pk, in_bulk[1].pk}
    listing = as_user(board_member).get("/admin/moderation/").content.decode()
    assert with_the_api[1].title in listing and in_bulk[1].title in listing


def test_a_page_put_in_moderation_in_bulk_goes_on_through_the_workflow(
    group_b, editor, board_member, as_user
):
    first, second = submit_in_bulk(group_b, editor)

    # The facilitator approves the first in the admin: it moves to the board's step.
    assert act(as_user(group_b.facilitator), first, "approve").status_code in (200, 302)
    assert Page.objects.get(pk=first.pk).current_workflow_task.name == BOARD_TASK_NAME

    # The board approves the second: the bulk revision is what gets published.
    assert act(as_user(board_member), second, "approve").status_code in (200, 302)
    published = MeetingReportPage.objects.get(pk=second.pk)
    assert published.live and not published.has_unpublished_changes
    assert published.live_revision_id == second.latest_revision_id
    assert not published.workflow_in_progress
    assert as_user(group_b.facilitator).get(published.url).status_code == 200
