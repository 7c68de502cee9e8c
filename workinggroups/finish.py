"""WAGTAIL_FINISH_WORKFLOW_ACTION: what happens when the last step of a workflow approves.

Wagtail reads this setting while its own models are being imported, so this module
imports nothing from Wagtail at load time.
"""


def publish_reviewed_revision(workflow_state, user=None):
    """Publish what the last step approved, and nothing newer.

    Wagtail's default publishes the latest revision, which may have been saved after the
    approval, and only if the last approver also holds the publish permission. Here a
    newer, unreviewed revision rolls the approval back with a message instead.
    """
    # Imported when called: Wagtail reads this module while its models load (see above).
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext

    from .workflow import same_content

    approved = workflow_state.current_task_state.revision
    latest = workflow_state.content_object.get_latest_revision()
    if not same_content(approved, latest):
        raise PermissionDenied(
            gettext("La page a été modifiée après cette approbation : elle doit être relue à nouveau.")
        )
    # The approvals are the permission: the board has no publish right of its own (only superusers
    # do), so Wagtail's check, meant for publishing outside a workflow, is skipped here on purpose.
    latest.publish(user=user, skip_permission_checks=True)
