"""The moderation workflow "Publication des groupes de travail" and the guards that keep it honest.

Two steps: review by the page's own group facilitators (FacilitatorApprovalTask), then
approval by the board (a GroupApprovalTask for "Conseil d'administration").

Wagtail leaves some holes open that matter here, and this module closes them at the
level of the shared mechanism rather than in one view:

* two approvers acting at the same moment (or one double click) both approve and publish
  twice: every decision on a task state locks its row and checks it is still in progress;
* a reviewed revision can be rewritten afterwards (revision overwrite): refused;
* an edit while the page is under review leaves the earlier approvals standing: the page
  goes back to the first step whose approval was for other content;
* the finishing action publishes the latest revision, reviewed or not: it publishes only
  the revision that the last step approved.
"""

import json

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models.signals import post_init, post_save, pre_save
from django.utils.translation import gettext, gettext_noop
from wagtail.models import (
    GroupApprovalTask,
    Revision,
    TaskState,
    Workflow,
    WorkflowPage,
    WorkflowState,
    WorkflowTask,
    get_page_models,
)

from .django_groups import board_group
from .models import FacilitatorApprovalTask, ProgrammePage

# Stored in French, the names are data (an administrator may rename them); marked with
# gettext_noop so that the catalogues translate them where the intranet shows them
# (``|translated`` in the moderation queue and the emails).
WORKFLOW_NAME = gettext_noop("Publication des groupes de travail")
FACILITATOR_TASK_NAME = gettext_noop("Relecture par l'animation du groupe")
BOARD_TASK_NAME = gettext_noop("Approbation du Conseil d'administration")

#: Revision content keys that change with every save whatever the editor did.
BOOKKEEPING_KEYS = frozenset(
    {
        "comments",
        "wagtail_admin_comments",  # the reviewers' comments, as the page editor saves them
        "latest_revision",
        "latest_revision_created_at",
        "has_unpublished_changes",
        "live",
        "live_revision",
        "first_published_at",
        "last_published_at",
        "locked",
        "locked_at",
        "locked_by",
        "owner",
        "draft_title",
    }
)


def editorial_content(content):
    """What a reviewer reviews: the revision's content without bookkeeping and comments.

    Inline children (memberships, tags) lose their primary keys, which change when a
    form re-creates the same rows.
    """

    def without_pk(value):
        if isinstance(value, list) and all(isinstance(item, dict) for item in value):
            return [{k: v for k, v in item.items() if k != "pk"} for item in value]
        return value

    # As stored: a revision still in memory holds dates and decimals that the database holds as text.
    content = json.loads(json.dumps(content or {}, cls=DjangoJSONEncoder))
    return {key: without_pk(value) for key, value in content.items() if key not in BOOKKEEPING_KEYS}


def same_content(revision_a, revision_b):
    if revision_a.pk == revision_b.pk:
        return True
    return editorial_content(revision_a.content) == editorial_content(revision_b.content)


# Setting the workflow up (idempotent: called by ensure_roles and when a programme is created)


WAGTAIL_STARTER_WORKFLOW = "Moderators approval"


def retire_wagtail_starter_workflow():
    """Wagtail's starter workflow sends every page to its "Moderators" group, which roles.py removes.

    Left active, pages outside the programmes would wait forever for moderators who no longer exist.
    """
    for workflow in Workflow.objects.filter(name=WAGTAIL_STARTER_WORKFLOW, active=True):
        WorkflowPage.objects.filter(workflow=workflow).delete()
        workflow.deactivate()


def ensure_workflow():
    retire_wagtail_starter_workflow()
    facilitator_task = FacilitatorApprovalTask.objects.filter(name=FACILITATOR_TASK_NAME).first()
    if facilitator_task is None:
        facilitator_task = FacilitatorApprovalTask.objects.create(name=FACILITATOR_TASK_NAME)
    board_task = GroupApprovalTask.objects.filter(name=BOARD_TASK_NAME).first()
    if board_task is None:
        board_task = GroupApprovalTask.objects.create(name=BOARD_TASK_NAME)
    board_task.groups.set([board_group()])
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
    for order, task in enumerate([facilitator_task, board_task]):
        WorkflowTask.objects.update_or_create(workflow=workflow, task=task, defaults={"sort_order": order})
    for programme in ProgrammePage.objects.all():
        assign_workflow(programme, workflow)
    return workflow


def assign_workflow(programme, workflow=None):
    workflow = workflow or Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is not None:
        WorkflowPage.objects.get_or_create(page=programme, defaults={"workflow": workflow})


# Guards


def remember_loaded_status(sender, instance, **kwargs):
    instance._status_when_loaded = instance.status


def refuse_second_decision(sender, instance, **kwargs):
    """A task state leaves "in progress" once: a concurrent or repeated decision is refused.

    The row is locked, so a second approver waits for the first to commit, then sees
    the decision already taken.
    """
    if instance.pk is None or instance.status == TaskState.STATUS_IN_PROGRESS:
        return
    if getattr(instance, "_status_when_loaded", None) != TaskState.STATUS_IN_PROGRESS:
        return
    rows = TaskState.objects.filter(pk=instance.pk)
    if connection.in_atomic_block:
        rows = rows.select_for_update()
    stored = rows.values_list("status", flat=True).first()
    if stored is None or stored == TaskState.STATUS_IN_PROGRESS:
        instance._status_when_loaded = instance.status
        return
    if stored == TaskState.STATUS_CANCELLED:
        raise PermissionDenied(
            gettext(
                "La page a été modifiée entre-temps et est repartie en relecture : votre décision "
                "n'a pas été enregistrée. Ouvrez la dernière version."
            )
        )
    raise PermissionDenied(gettext("Une autre personne a déjà traité cette étape : rien n'a été modifié."))


def refuse_rewriting_a_reviewed_revision(sender, instance, update_fields=None, **kwargs):
    """A revision that a reviewer has been asked to review never changes content afterwards."""
    if instance.pk is None or (update_fields is not None and "content" not in update_fields):
        return
    if not TaskState.objects.filter(revision_id=instance.pk).exists():
        return
    stored = Revision.objects.filter(pk=instance.pk).values_list("content", flat=True).first()
    if stored is not None and editorial_content(stored) != editorial_content(instance.content):
        raise PermissionDenied(
            gettext(
                "Cette version a été soumise à relecture et ne peut plus être modifiée : "
                "enregistrez une nouvelle version."
            )
        )


# Connected by calls rather than @receiver, so that mutation testing (docs/mutation-testing.md) can
# change the guards: mutmut leaves decorated functions alone.
post_init.connect(remember_loaded_status, sender=TaskState)
pre_save.connect(refuse_second_decision, sender=TaskState)
pre_save.connect(refuse_rewriting_a_reviewed_revision, sender=Revision)


def send_edited_page_back_to_review(sender, instance, update_fields=None, **kwargs):
    """An edit during moderation sends the page back to the first step not approved for it.

    Runs once the page points at its new latest revision (save_revision saves that field
    last). With WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT, approvals only count for the
    latest revision; cancelling the step in progress makes Wagtail start again from the
    first step that has not approved this content: the facilitators.
    """
    if not update_fields or "latest_revision" not in update_fields:
        return
    workflow_state = (
        WorkflowState.objects.filter(
            status=WorkflowState.STATUS_IN_PROGRESS,
            base_content_type_id=instance.get_base_content_type().pk,
            object_id=str(instance.pk),
        )
        .select_related("current_task_state__revision")
        .first()
    )
    current = workflow_state and workflow_state.current_task_state
    latest = instance.latest_revision
    if not current or current.status != TaskState.STATUS_IN_PROGRESS or latest is None:
        return
    if same_content(current.revision, latest):
        # Nothing a reviewer reviews changed (a comment, say): the review goes on. Wagtail counts
        # approvals per revision (WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT), so the task states
        # about the reviewed revision move to this one, which has the same content: otherwise
        # the step in progress could not be approved, and an approved step would be asked again.
        TaskState.objects.filter(workflow_state=workflow_state, revision=current.revision).update(
            revision=latest
        )
        return
    with transaction.atomic():
        current.specific.cancel(
            user=latest.user,
            comment=gettext("La page a été modifiée pendant la relecture : elle repart en relecture."),
        )


def connect_page_guards():
    """Connect the guard that needs every page model (from WorkingGroupsConfig.ready()).

    The guards above name their sender (TaskState, Revision). Sending an edited page back to
    review concerns pages only: it is connected to each page model, since Django sends
    ``post_save`` with the saved object's own class (a report, a recommendation, or a plain
    ``Page``), and never to the other models. Called once the models are loaded, so that
    ``get_page_models()`` lists them all.
    """
    for model in get_page_models():
        post_save.connect(send_edited_page_back_to_review, sender=model, dispatch_uid="workflow-edited-page")
