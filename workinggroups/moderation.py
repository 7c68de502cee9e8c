"""The moderation queue in the admin: what a facilitator or the board has to review.

Wagtail's dashboard lists every page awaiting review, unpaginated, with several queries per
row: with hundreds of pages in the queue it becomes slow and unreadable. The dashboard panel
here shows the latest few with the total and a link to this listing, which is paginated,
filtered by group and type, oldest first, and answers with the same number of queries
whatever the length of the queue.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import CharField, IntegerField
from django.db.models.functions import Cast
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from wagtail.admin.views.home import UserObjectsInWorkflowModerationPanel, WorkflowObjectsToModeratePanel
from wagtail.models import Page, Revision, Task, TaskState

from privacy.ids import parse_id

from .models import MeetingReportPage, RecommendationPage, WorkingGroupPage

PER_PAGE = 50
DASHBOARD_ROWS = 5

KINDS = {
    "report": (MeetingReportPage, _lazy("Comptes rendus")),
    "recommendation": (RecommendationPage, _lazy("Recommandations")),
    "group": (WorkingGroupPage, _lazy("Pages de groupe")),
}


def reviewable_states(user):
    """In-progress task states ``user`` may act on now (Wagtail asks each task type)."""
    return TaskState.objects.reviewable_by(user).filter(status=TaskState.STATUS_IN_PROGRESS)


def _prefixes(paths):
    """Every tree path at or above the given ones (Page.steplen characters a level)."""
    step = Page.steplen
    return {path[:length] for path in paths for length in range(step, len(path) + 1, step)}


def _group_titles(paths):
    """{page path: title of its working group} for the given page paths, in one query."""
    prefixes = _prefixes(paths)
    groups = dict(WorkingGroupPage.objects.filter(path__in=prefixes).values_list("path", "title").order_by())
    found = {}
    for path in paths:
        for length in range(len(path), 0, -Page.steplen):
            if path[:length] in groups:
                found[path] = groups[path[:length]]
                break
    return found


def _pages_of(states):
    """The pages the given task states are about, as a subquery."""
    return Page.objects.filter(
        pk__in=states.values_list(Cast("workflow_state__object_id", output_field=IntegerField()))
    )


def moderation_index(request):
    everything = reviewable_states(request.user)
    states = everything
    kind = request.GET.get("type", "")
    if kind in KINDS:
        content_type = ContentType.objects.get_for_model(KINDS[kind][0])
        states = states.filter(
            workflow_state__object_id__in=Page.objects.filter(content_type=content_type).values_list(
                Cast("id", output_field=CharField())
            )
        )
    # The group filter offers the groups that have something in the user's queue.
    queued_paths = list(_pages_of(everything).values_list("path", flat=True))
    groups = WorkingGroupPage.objects.filter(path__in=_prefixes(queued_paths))
    groups = list(groups.only("id", "title").order_by("title"))
    group = None
    group_id = parse_id(request.GET.get("group"))
    if group_id is not None:
        group = next((g for g in groups if g.pk == group_id), None)
        if group is not None:
            states = states.filter(
                workflow_state__object_id__in=Page.objects.filter(path__startswith=group.path).values_list(
                    Cast("id", output_field=CharField())
                )
            )
    oldest_first = request.GET.get("order") != "recent"
    states = states.select_related("task", "revision__user", "workflow_state").order_by(
        "started_at" if oldest_first else "-started_at", "pk"
    )
    paginator = Paginator(states, PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("p"))
    rows = list(page_obj.object_list)

    page_ids = [int(state.workflow_state.object_id) for state in rows]
    pages = {
        page.pk: page
        for page in Page.objects.filter(pk__in=page_ids).only(
            "id", "title", "draft_title", "path", "content_type_id", "live"
        )
    }
    group_titles = _group_titles([page.path for page in pages.values()])
    items = []
    for state in rows:
        page = pages.get(int(state.workflow_state.object_id))
        if page is None:
            continue
        items.append(
            {
                "state": state,
                "page": page,
                "kind": ContentType.objects.get_for_id(page.content_type_id).model_class()._meta.verbose_name,
                "group": group_titles.get(page.path, ""),
                "submitted_by": state.revision.user if state.revision_id else None,
                "edit_url": reverse("wagtailadmin_pages:edit", args=(page.pk,)),
                "preview_url": reverse("wagtailadmin_pages:workflow_preview", args=(page.pk, state.task_id)),
                "compare_url": (
                    reverse("wagtailadmin_pages:revisions_compare", args=(page.pk, "live", state.revision_id))
                    if page.live and state.revision_id
                    else None
                ),
            }
        )
    query = request.GET.copy()
    query.pop("p", None)
    return render(
        request,
        "workinggroups/admin/moderation_index.html",
        {
            "title": _("Pages à relire"),
            "items": items,
            "page_obj": page_obj,
            "paginator": paginator,
            "elided_page_range": paginator.get_elided_page_range(page_obj.number),
            "kinds": [(key, label) for key, (_model, label) in KINDS.items()],
            "kind": kind,
            "groups": groups,
            "group": group,
            "oldest_first": oldest_first,
            "query_string": query.urlencode(),
        },
    )


class LatestToModeratePanel(WorkflowObjectsToModeratePanel):
    """Wagtail's "awaiting your review" panel, limited to the latest few, with the total and a link.

    The rows are built as Wagtail builds them (same template, same actions), for the latest
    DASHBOARD_ROWS task states only.
    """

    template_name = "workinggroups/admin/awaiting_review_panel.html"

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        context = {"request": request, "csrf_token": parent_context["csrf_token"], "states": []}
        mine = reviewable_states(request.user)
        context["total"] = mine.count()
        if not context["total"]:
            return context
        latest = list(
            mine.select_related("revision__user", "workflow_state__workflow", "workflow_state__requested_by")
            .order_by("-started_at")
            .annotate(previous_revision_id=Revision.objects.previous_revision_id_subquery())[:DASHBOARD_ROWS]
        )
        # The pages with their current workflow state prefetched: the template asks each page for
        # its permissions, which look at its workflow state several times.
        pages = (
            Page.objects.filter(pk__in=[int(state.workflow_state.object_id) for state in latest])
            .select_related("latest_revision")
            .specific()
            .prefetch_workflow_states()
        )
        pages = {page.pk: page for page in pages}
        groups = _group_titles([page.path for page in pages.values()])
        tasks = {task.pk: task for task in Task.objects.filter(pk__in={s.task_id for s in latest}).specific()}
        for state in latest:
            obj = pages.get(int(state.workflow_state.object_id))
            if not obj:
                continue
            preview = "wagtailadmin_pages:workflow_preview" if getattr(obj, "is_previewable", False) else None
            context["states"].append(
                {
                    "obj": obj,
                    "revision": state.revision,
                    "previous_revision_id": state.previous_revision_id,
                    "live_revision_id": obj.live_revision_id,
                    "task_state": state,
                    "group": groups.get(obj.path, ""),
                    "submitted_by": state.workflow_state.requested_by,
                    "submitted_at": state.workflow_state.created_at,
                    "actions": tasks[state.task_id].get_actions(obj, request.user),
                    "workflow_action_url_name": "wagtailadmin_pages:workflow_action",
                    "workflow_preview_url_name": preview,
                    "revisions_compare_url_name": "wagtailadmin_pages:revisions_compare",
                }
            )
        context["more"] = max(0, context["total"] - len(context["states"]))
        context["moderation_url"] = reverse("workinggroups_moderation")
        return context


class LatestInWorkflowPanel(UserObjectsInWorkflowModerationPanel):
    """Wagtail's "your pages in a workflow" panel, limited to the latest few, with the total."""

    template_name = "workinggroups/admin/in_workflow_panel.html"

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        states = context["workflow_states"]
        context["total"] = len(states)
        context["workflow_states"] = shown = states[:DASHBOARD_ROWS]
        context["more"] = max(0, context["total"] - DASHBOARD_ROWS)
        groups = _group_titles([state.content_object.path for state in shown])
        for state in shown:
            state.group_title = groups.get(state.content_object.path, "")
        return context
