"""The moderation queue in the admin: what a facilitator or the board has to review.

Wagtail's dashboard lists every page awaiting review, unpaginated, with several queries per
row: with hundreds of pages in the queue it becomes slow and unreadable. The dashboard panel
here shows the latest few with the total and a link to this listing, which is paginated,
filtered by group and type, oldest first, and answers with the same number of queries
whatever the length of the queue.
"""

from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import CharField, Count, Exists, IntegerField, OuterRef, Q, Window
from django.db.models.functions import Cast, Left
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from wagtail.admin.utils import get_user_display_name
from wagtail.admin.views.home import UserObjectsInWorkflowModerationPanel, WorkflowObjectsToModeratePanel
from wagtail.models import Page, Revision, Task, TaskState, WorkflowState, get_default_page_content_type

from languages.formats import human_date
from privacy.ids import parse_id

from .models import MeetingReportPage, RecommendationPage, WorkingGroupPage
from .tree import at_paths

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
    groups = dict(at_paths(WorkingGroupPage, prefixes).values_list("path", "title").order_by())
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


class Group(NamedTuple):
    """A working group as the listing shows it: in its group filter and in each row."""

    pk: int
    title: str
    path: str


class _WorkingGroups:
    """Every working group (some 200 at full size), in one query: which group a page belongs to is
    then read from its path, for a whole listing, without a query per row or a list of prefixes."""

    def __init__(self):
        rows = WorkingGroupPage.objects.values_list("pk", "title", "path").order_by()
        self.by_path = {path: Group(pk, title, path) for pk, title, path in rows}
        self.lengths = sorted({len(path) for path in self.by_path}, reverse=True)  # the nearest first

    def of(self, path):
        """The working group at or above the page of tree path ``path``, or None."""
        for length in self.lengths:
            if length <= len(path) and path[:length] in self.by_path:
                return self.by_path[path[:length]]
        return None

    def with_pages_in(self, states):
        """The groups that have a page in ``states``, by title: one query, as many rows as groups."""
        prefixes = set()
        for length in self.lengths:
            queued = _pages_of(states).annotate(prefix=Left("path", length)).values_list("prefix", flat=True)
            prefixes.update(queued.order_by().distinct())
        return sorted((self.by_path[p] for p in prefixes if p in self.by_path), key=lambda g: (g.title, g.pk))


#: What a row of the listing reads of a task state and what it joins: not the revision's content
#: (the whole page as JSON). The status is read when a task state is loaded (workflow.py).
ROW_FIELDS = (
    "status",
    "started_at",
    "task_id",
    "task__name",
    "revision_id",
    "revision__user__first_name",
    "revision__user__last_name",
    "revision__user__username",
    "workflow_state__object_id",
)


def _url_pattern(name, *args):
    """An admin URL as a ``str.format`` pattern, reversed once for a whole listing rather than three
    times a row: each ``None`` in ``args`` stands for an integer (a page, task or revision id)."""
    marks = [str(9_000_000_001 + n) for n in range(len(args))]
    url = reverse(name, args=[mark if arg is None else arg for mark, arg in zip(marks, args, strict=True)])
    url = url.replace("{", "{{").replace("}", "}}")
    placeholders = [mark for mark, arg in zip(marks, args, strict=True) if arg is None]
    for index, mark in enumerate(placeholders):
        url = url.replace(mark, f"{{{index}}}")
    return url


def _rows(state_ids, ordering, groups):
    """The listing's rows as plain values (text and links), so that the template only writes them.

    ``state_ids`` is the page of the listing as a subquery: the joins are made for its rows only."""
    states = list(
        TaskState.objects.filter(pk__in=state_ids)
        .select_related("task", "revision__user", "workflow_state")
        .only(*ROW_FIELDS)
        .order_by(*ordering)
    )
    pages = Page.objects.filter(pk__in=[int(state.workflow_state.object_id) for state in states])
    pages = {
        page["id"]: page
        for page in pages.values("id", "title", "draft_title", "path", "content_type_id", "live")
    }
    edit_url = _url_pattern("wagtailadmin_pages:edit", None)
    preview_url = _url_pattern("wagtailadmin_pages:workflow_preview", None, None)
    compare_url = _url_pattern("wagtailadmin_pages:revisions_compare", None, "live", None)
    steps = {}
    kinds = {}
    rows = []
    for state in states:
        page = pages.get(int(state.workflow_state.object_id))
        if page is None:
            continue
        if page["content_type_id"] not in kinds:
            model = ContentType.objects.get_for_id(page["content_type_id"]).model_class()
            kinds[page["content_type_id"]] = capfirst(model._meta.verbose_name)
        if state.task_id not in steps:
            steps[state.task_id] = _(state.task.name)  # created in French by a migration
        group = groups.of(page["path"])
        pk = page["id"]
        rows.append(
            {
                "title": page["draft_title"] or page["title"],
                "kind": kinds[page["content_type_id"]],
                "group": group.title if group else "",
                "step": steps[state.task_id],
                "submitted_by": get_user_display_name(state.revision.user) if state.revision_id else "",
                "started_at": localtime(state.started_at).isoformat(),
                "started_at_text": human_date(state.started_at, "DATETIME_FORMAT"),
                "edit_url": edit_url.format(pk),
                "preview_url": preview_url.format(pk, state.task_id),
                "compare_url": compare_url.format(pk, state.revision_id)
                if page["live"] and state.revision_id
                else None,
            }
        )
    return rows


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
    working_groups = _WorkingGroups()
    groups = working_groups.with_pages_in(everything)
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
    ordering = ("started_at" if oldest_first else "-started_at", "pk")
    paginator = Paginator(states.order_by(*ordering).values_list("pk", flat=True), PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("p"))
    query = request.GET.copy()
    query.pop("p", None)
    return render(
        request,
        "workinggroups/admin/moderation_index.html",
        {
            "title": _("Pages à relire"),
            "items": _rows(page_obj.object_list, ordering, working_groups),
            "page_obj": page_obj,
            "paginator": paginator,
            "elided_page_range": paginator.get_elided_page_range(page_obj.number),
            "kinds": [(key, label) for key, (_model, label) in KINDS.items()],
            "kind": kind,
            # (id, title, selected) a group: 200 options for the board at full size, each cheaper to
            # write with its answer given than with a comparison in the template.
            "group_options": [(g.pk, g.title, g == group) for g in groups],
            "oldest_first": oldest_first,
            "query_string": query.urlencode(),
        },
    )


def _give_specific_tasks(pages, tasks):
    """Hand each page's prefetched current task state the specific task from ``tasks``.

    A page's permissions ask for ``page.current_workflow_task``, that is
    ``task_state.task.specific``: one query a row otherwise (the board's step is a Wagtail group
    approval task). The prefetched states are in an attribute Wagtail names in
    ``prefetch_workflow_states``; if it changes, the dashboard's flat query count
    (tests/test_moderation_listing.py) says so."""
    for page in pages:
        for workflow_state in getattr(page, "_current_workflow_states", ()):
            task_state = workflow_state.current_task_state
            if task_state is not None and task_state.task_id in tasks:
                task_state.task = tasks[task_state.task_id]


class LatestToModeratePanel(WorkflowObjectsToModeratePanel):
    """Wagtail's "awaiting your review" panel, limited to the latest few, with the total and a link.

    The rows are built as Wagtail builds them (same template, same actions), for the latest
    DASHBOARD_ROWS task states only.
    """

    template_name = "workinggroups/admin/awaiting_review_panel.html"

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        context = {"request": request, "csrf_token": parent_context["csrf_token"], "states": []}
        # The latest few picked from the task states alone, with the total beside each, then joined:
        # joining every state in the queue (500 at the board at full size) to sort them cost more than
        # the rest of the panel, and Wagtail's query of what the person may review (each task type's,
        # combined) costs some 4 ms to build: built once, counted and cut in the same query.
        picked = list(
            reviewable_states(request.user)
            .annotate(total=Window(Count("pk")))
            .order_by("-started_at", "-pk")
            .values_list("pk", "total")[:DASHBOARD_ROWS]
        )
        context["total"] = picked[0][1] if picked else 0
        if not context["total"]:
            return context
        latest = list(
            TaskState.objects.filter(pk__in=[pk for pk, _total in picked])
            .select_related(
                "task", "revision__user", "workflow_state__workflow", "workflow_state__requested_by"
            )
            .defer("revision__content")
            .order_by("-started_at", "-pk")
            .annotate(previous_revision_id=Revision.objects.previous_revision_id_subquery())
        )
        tasks = {task.pk: task for task in Task.objects.filter(pk__in={s.task_id for s in latest}).specific()}
        # The pages with their current workflow state prefetched: the template asks each page for
        # its permissions, which look at its workflow state several times.
        pages = (
            Page.objects.filter(pk__in=[int(state.workflow_state.object_id) for state in latest])
            .specific(defer=True)
            .prefetch_workflow_states()
        )
        pages = {page.pk: page for page in pages}
        _give_specific_tasks(pages.values(), tasks)
        groups = _group_titles([page.path for page in pages.values()])
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
        request = parent_context["request"]
        # Wagtail's query (wagtail/admin/views/home.py), counted and cut in SQL: Wagtail loads every
        # state with its page and the page's latest revision, content included, to show five.
        owned = Exists(
            Page.objects.filter(
                owner=request.user, id=Cast(OuterRef("object_id"), output_field=IntegerField())
            )
        )
        states = (
            WorkflowState.objects.active()
            .filter(
                (Q(base_content_type_id=get_default_page_content_type().id) & owned)
                | Q(requested_by=request.user)
            )
            .select_related("current_task_state__task")
            .order_by("-current_task_state__started_at", "-pk")
        )
        total = states.count()
        shown = list(states[:DASHBOARD_ROWS]) if total else []
        pages = Page.objects.filter(pk__in=[int(state.object_id) for state in shown]).specific(defer=True)
        pages = {str(page.pk): page for page in pages}
        shown = [state for state in shown if state.object_id in pages]
        groups = _group_titles([page.path for page in pages.values()])
        for state in shown:
            state.content_object = pages[state.object_id]
            state.group_title = groups.get(state.content_object.path, "")
        return {
            "request": request,
            "workflow_states": shown,
            "total": total,
            "more": max(0, total - DASHBOARD_ROWS),
        }
