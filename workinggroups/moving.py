"""Moving a page from one working group to another: refused while anything of it belongs to the first.

A page waiting in the workflow is reviewed by its group's facilitators; a draft or a pending
revision was written for that group; a report's minutes are filed in that group's restricted
collection. Moving any of them under another group would hand them to people who were never
meant to see them (and the review, half done, to the wrong facilitators). So the move is refused
with a message that says what to finish first; once published and out of the workflow, a page
moves freely. Checked on every move (the ``pre_page_move`` signal in signals.py, whatever started
it) and shown as a message before the admin's own move and bulk move (wagtail_hooks.py).
"""

from django.utils.translation import gettext as _
from wagtail.models import Page, WorkflowState

from .models import MeetingReportPage, WorkingGroupPage
from .tree import at_paths


def group_of(page):
    """The working group at or above ``page`` (a WorkingGroupPage), or None."""
    paths = [page.path[:end] for end in range(Page.steplen, len(page.path) + 1, Page.steplen)]
    return at_paths(WorkingGroupPage, paths).order_by("-depth").first()


def move_problem(page, destination):
    """Why ``page`` may not move under ``destination`` (a message), or None."""
    before, after = group_of(page), group_of(destination)
    if before is None or (after is not None and after.pk == before.pk) or page.pk == before.pk:
        return None
    in_workflow = WorkflowState.objects.filter(
        base_content_type_id=page.get_base_content_type().pk,
        object_id=str(page.pk),
        status__in=[WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES],
    ).exists()
    if in_workflow:
        return _(
            "Cette page est en cours de relecture dans le groupe « %(group)s » : elle ne peut pas "
            "changer de groupe avant la fin de la relecture (ou son annulation)."
        ) % {"group": before.title}
    if Page.objects.filter(pk=page.pk, has_unpublished_changes=True).exists():
        return _(
            "Cette page a des modifications non publiées, écrites pour le groupe « %(group)s » : "
            "publiez-les ou abandonnez-les avant de la déplacer dans un autre groupe."
        ) % {"group": before.title}
    if MeetingReportPage.objects.filter(pk=page.pk, minutes__isnull=False).exists():
        return _(
            "Le procès-verbal de ce compte rendu est rangé dans la bibliothèque restreinte du groupe "
            "« %(group)s » : retirez-le du compte rendu avant de déplacer la page."
        ) % {"group": before.title}
    return None
