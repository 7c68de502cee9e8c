"""What a reviewer is told after deciding, and what an author sees when a page comes back.

Wagtail says "Page … has been updated" after an approval or a request for changes made in the
editor, and nothing at all after one made from the dashboard. Here each decision says what
happened and what comes next: "Approuvé : … attend maintenant le Conseil d'administration",
"Approuvé : … est publiée", "Modifications demandées à <auteur>".

Wagtail announces each decision with its ``task_approved`` and ``task_rejected`` signals, which
carry the task state and the person who decided, but not the request: the receiver notes the
decision on that person (the request's own user object), and ``ModerationFeedbackMiddleware``
turns the notes into messages once the view has run, replacing Wagtail's vague one.

``changes_requested_banner`` shows an author who opens the editor the latest request for
changes (who, when, the comment) until the page is submitted again.
"""

from django.contrib import messages
from django.utils.html import format_html
from django.utils.translation import gettext as _
from wagtail.admin.utils import get_user_display_name
from wagtail.models import TaskState, WorkflowState
from wagtail.signals import task_approved, task_rejected

from languages.formats import human_date

#: Where the decisions taken during a request are noted (on the deciding user object).
DECISIONS = "_moderation_decisions"


def note_decision(sender, instance, user=None, **kwargs):
    if user is not None:
        decisions = getattr(user, DECISIONS, None)
        if decisions is None:
            decisions = []
            setattr(user, DECISIONS, decisions)
        decisions.append(instance.pk)


def connect():
    task_approved.connect(note_decision, dispatch_uid="moderation-feedback-approved")
    task_rejected.connect(note_decision, dispatch_uid="moderation-feedback-rejected")


def person(user):
    return get_user_display_name(user) if user is not None else _("son auteur·rice")


def outcome_message(task_state):
    """What happened with this decision and what comes next, in a sentence."""
    workflow_state = task_state.workflow_state
    page = workflow_state.content_object
    title = page.get_admin_display_title()
    if task_state.status == TaskState.STATUS_REJECTED:
        return _(
            "Modifications demandées à %(author)s : « %(title)s » lui revient avec votre commentaire."
        ) % {
            "author": person(workflow_state.requested_by),
            "title": title,
        }
    if workflow_state.status == WorkflowState.STATUS_APPROVED:
        page.refresh_from_db(fields=["live", "has_unpublished_changes"])
        if page.live and not page.has_unpublished_changes:
            return _("Approuvé : « %(title)s » est publiée.") % {"title": title}
        return _("Approuvé : la relecture de « %(title)s » est terminée.") % {"title": title}
    current = workflow_state.current_task_state
    if current is not None and current.status == TaskState.STATUS_IN_PROGRESS:
        return _("Approuvé : « %(title)s » attend maintenant l'étape « %(step)s ».") % {
            "title": title,
            "step": _(current.task.name),
        }
    return _("Approuvé : « %(title)s ».") % {"title": title}


class ModerationFeedbackMiddleware:
    """After a view in which someone approved or requested changes, one clear message per decision."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        decided = getattr(user, DECISIONS, None) if user is not None else None
        if not decided:
            return response
        setattr(user, DECISIONS, [])
        states = list(TaskState.objects.filter(pk__in=decided).select_related("workflow_state", "task"))
        titles = [state.workflow_state.content_object.get_admin_display_title() for state in states]
        # Wagtail's "Page … has been updated" is the only confirmation naming the page in such a
        # request: it gives way to ours. Iterating marks the messages as read: the rest are added back.
        for message in messages.get_messages(request):
            if message.level == messages.SUCCESS and any(title in str(message.message) for title in titles):
                continue
            messages.add_message(request, message.level, message.message, extra_tags=message.extra_tags)
        for state in states:
            messages.success(request, outcome_message(state))
        return response


def latest_request_for_changes(page):
    """(who, when, comment) of the request for changes a page is waiting on, or None."""
    workflow_state = (
        WorkflowState.objects.filter(
            base_content_type_id=page.get_base_content_type().pk,
            object_id=str(page.pk),
            status=WorkflowState.STATUS_NEEDS_CHANGES,
        )
        .order_by("-created_at")
        .first()
    )
    if workflow_state is None:
        return None
    rejected = (
        workflow_state.task_states.filter(status=TaskState.STATUS_REJECTED)
        .select_related("finished_by")
        .order_by("-finished_at")
        .first()
    )
    if rejected is None:
        return None
    return rejected.finished_by, rejected.finished_at, rejected.comment


def changes_requested_banner(request, page):
    """A message at the top of the editor while the page waits for its author's changes."""
    if request.method != "GET":
        return
    found = latest_request_for_changes(page)
    if found is None:
        return
    who, when, comment = found
    when_text = human_date(when, "DATETIME_FORMAT")
    if comment:
        text = format_html(
            _(
                "Modifications demandées par {who} le {when} : « {comment} ». "
                "Corrigez la page, puis soumettez-la à nouveau."
            ),
            who=person(who),
            when=when_text,
            comment=comment,
        )
    else:
        text = format_html(
            _("Modifications demandées par {who} le {when}. Corrigez la page, puis soumettez-la à nouveau."),
            who=person(who),
            when=when_text,
        )
    messages.warning(request, text)
