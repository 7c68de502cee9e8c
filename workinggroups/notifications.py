"""Who is emailed at each step of the moderation workflow.

Wagtail's own notifiers cover the board step (the board group), changes requested and
publication (the person who submitted). This adds the facilitator step: the page's own
group facilitators, nobody else. Every notifier honours the recipient's notification
preferences in their Wagtail profile and skips accounts without email or inactive.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from wagtail.admin.mail import EmailNotificationMixin, Notifier
from wagtail.models import TaskState
from wagtail.signals import task_submitted

from .models import FacilitatorApprovalTask


class FacilitatorTaskStateSubmissionEmailNotifier(EmailNotificationMixin, Notifier):
    notification = "submitted"

    def __init__(self):
        super().__init__((TaskState,))

    def can_handle(self, instance, **kwargs):
        return (
            super().can_handle(instance, **kwargs)
            and instance.status == TaskState.STATUS_IN_PROGRESS
            and isinstance(instance.task.specific, FacilitatorApprovalTask)
        )

    def get_recipient_users(self, task_state, **kwargs):
        page = task_state.workflow_state.content_object
        recipients = task_state.task.specific.facilitators_for(page)
        if getattr(settings, "WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS", False):
            recipients = recipients | get_user_model().objects.filter(is_superuser=True, is_active=True)
        triggering_user = kwargs.get("user")
        if triggering_user is not None:
            recipients = recipients.exclude(pk=triggering_user.pk)
        return set(recipients.distinct())

    def get_context(self, task_state, **kwargs):
        context = super().get_context(task_state, **kwargs)
        context["task"] = task_state.task.specific
        context["task_state"] = task_state
        context["object"] = task_state.workflow_state.content_object
        context["page"] = context["object"].specific
        context["model_name"] = context["page"]._meta.verbose_name
        context["requested_by"] = task_state.workflow_state.requested_by
        return context


facilitator_submission_notifier = FacilitatorTaskStateSubmissionEmailNotifier()


def connect():
    task_submitted.connect(
        facilitator_submission_notifier,
        sender=TaskState,
        dispatch_uid="facilitator_task_submitted_email_notification",
    )
