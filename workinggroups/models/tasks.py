from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import LogContext, get_active_log_context, log
from wagtail.models import Page, Task, TaskState

from ..choices import MembershipRole
from .groups import WorkingGroupMembership


def group_paths_for(page):
    """Tree paths of ``page`` and of each of its ancestors: its working group is among them."""
    return [page.path[:end] for end in range(Page.steplen, len(page.path) + 1, Page.steplen)]


class FacilitatorApprovalTask(Task):
    """Review by the facilitators of the working group the page belongs to, and by nobody else.

    The group is the nearest WorkingGroupPage at or above the page. A page that belongs
    to no group (the programme page itself), or whose group has no active facilitator,
    skips this step so that it cannot get stuck: it goes straight to the next one (the
    board), and the history says why.
    """

    admin_form_fields = Task.admin_form_fields

    class Meta:
        verbose_name = _("relecture par l'animation du groupe")
        verbose_name_plural = _("relectures par l'animation du groupe")

    @classmethod
    def get_description(cls):
        return _("Les animateur·rice·s du groupe de travail de la page relisent et approuvent.")

    # Who approves

    @staticmethod
    def facilitators_for(page):
        """Active facilitators of the page's working group (one query)."""
        return get_user_model().objects.filter(
            is_active=True,
            working_group_memberships__role=MembershipRole.FACILITATOR,
            working_group_memberships__page__path__in=group_paths_for(page),
        )

    @staticmethod
    def _facilitated_paths(user):
        """Paths of the groups ``user`` facilitates, cached on the user object for the request."""
        if not user.is_authenticated:
            return ()
        cached = getattr(user, "_facilitated_group_paths", None)
        if cached is None:
            cached = tuple(
                WorkingGroupMembership.objects.filter(user=user, role=MembershipRole.FACILITATOR).values_list(
                    "page__path", flat=True
                )
            )
            user._facilitated_group_paths = cached
        return cached

    def user_is_approver(self, page, user):
        if not user.is_active:
            return False
        if user.is_superuser:
            return True
        return any(page.path.startswith(path) for path in self._facilitated_paths(user))

    # Wagtail's Task API

    def start(self, workflow_state, user=None):
        task_state = super().start(workflow_state, user=user)
        page = workflow_state.content_object
        if not self.facilitators_for(page).exists():
            task_state.status = TaskState.STATUS_SKIPPED
            task_state.finished_at = timezone.now()
            task_state.comment = gettext(
                "Étape passée : la page n'appartient à aucun groupe de travail qui ait un·e "
                "animateur·rice actif·ve."
            )
            task_state.save(update_fields=["status", "finished_at", "comment"])
            # Nobody decided this step: logged without a user (Wagtail would otherwise name whoever
            # submitted the page as its approver), in the same action as the submission (its uuid).
            submission = get_active_log_context().uuid
            with LogContext(user=None, generate_uuid=False):
                log(
                    instance=page.specific,
                    action="wagtail.workflow.approve",
                    data={
                        "workflow": {
                            "id": workflow_state.workflow_id,
                            "title": workflow_state.workflow.name,
                            "status": task_state.status,
                            "task_state_id": task_state.id,
                            "task": {"id": self.id, "title": self.name},
                            "next": None,
                        },
                        "comment": task_state.comment,
                    },
                    revision=task_state.revision,
                    uuid=submission,
                )
        return task_state

    def user_can_access_editor(self, obj, user):
        return self.user_is_approver(obj, user)

    def locked_for_user(self, obj, user):
        return not self.user_is_approver(obj, user)

    def user_can_lock(self, obj, user):
        return self.user_is_approver(obj, user)

    def user_can_unlock(self, obj, user):
        return False

    def get_actions(self, obj, user):
        if self.user_is_approver(obj, user):
            return [
                ("reject", gettext("Demander des modifications"), True),
                ("approve", gettext("Approuver"), False),
                ("approve", gettext("Approuver avec un commentaire"), True),
            ]
        return []

    def on_action(self, task_state, user, action_name, **kwargs):
        # A block rather than @transaction.atomic, so that mutation testing can change this method.
        with transaction.atomic():
            # The task state may come from a URL that names another page: judge the
            # action against the page this task state really belongs to, as it is now.
            task_state = (
                TaskState.objects.select_for_update().select_related("workflow_state").get(pk=task_state.pk)
            )
            workflow_state = task_state.workflow_state
            page = workflow_state.content_object
            if action_name not in {name for name, _label, _modal in self.get_actions(page, user)}:
                raise PermissionDenied
            if (
                task_state.status != TaskState.STATUS_IN_PROGRESS
                or workflow_state.current_task_state_id != task_state.pk
            ):
                raise PermissionDenied(gettext("Cette étape de relecture a déjà été traitée."))
            if action_name == "approve" and task_state.revision_id != page.latest_revision_id:
                raise PermissionDenied(
                    gettext("La page a été modifiée depuis cette version : relisez la dernière version.")
                )
            return super().on_action(task_state.specific, user, action_name, **kwargs)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        """In-progress reviews in the groups ``user`` facilitates: two queries, however many there are."""
        states = self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
        if user.is_superuser:
            return states
        paths = self._facilitated_paths(user)
        if not paths:
            return TaskState.objects.none()
        # One LIKE a group (a facilitator has one or two), each answered by the path's index: a
        # single LEFT(path, n) IN (…) for all (privacy.rules.under_any, made for hundreds of paths)
        # read the whole tree, some 8 ms at full size in every query of the queue.
        under = Q()
        for path in paths:
            under |= Q(path__startswith=path)
        page_ids = Page.objects.filter(under)
        page_ids = page_ids.values_list(Cast("id", output_field=CharField()))
        return states.filter(workflow_state__object_id__in=page_ids)
