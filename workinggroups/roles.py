"""Django groups and permissions of the intranet, kept in code and applied idempotently.

Run after every ``migrate`` (post_migrate) and by ``manage.py setup_roles``; the
per-page parts also run when a programme or a working group is created, and
every membership change brings that group's Django members up to date (see signals.py).

Nobody but a superuser ever gets the publish permission: publication goes
through the moderation workflow.
"""

import logging

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connections, transaction
from django.dispatch import Signal
from wagtail.models import GroupPagePermission, Page

from .django_groups import (
    _permission,
    admin_access_permission,
    board_group,
    editors_group,
    members_group,
    page_permission,
)
from .models import (
    BoardDecision,
    FacilitatorApprovalTask,
    ProgrammePage,
    RecommendationPage,
    WorkingGroupMembership,
    WorkingGroupPage,
)
from .workflow import ensure_workflow

logger = logging.getLogger(__name__)

#: Sent after a working group's Django group is created or brought up to date (page=, django_group=).
working_group_synced = Signal()

#: What members of a working group and editors may do on the pages they are given.
DRAFTING_PAGE_PERMISSIONS = ("add_page", "change_page")
#: Wagtail's own starter groups: they hold publish rights on the whole tree.
WAGTAIL_STARTER_GROUPS = ("Moderators", "Editors")


def grant_drafting(group, page):
    """Let ``group`` add and edit pages at and below ``page`` (never publish)."""
    for codename in DRAFTING_PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group, page=page, permission=page_permission(codename)
        )


def grant_editors_on_programme(programme):
    grant_drafting(editors_group(), programme)


def sync_working_group(group_page):
    """Make the page's Django group exist, carry the page's name, and hold exactly its members.

    Its members (every role) may draft under the group page and enter the admin.
    """
    with transaction.atomic():
        group = group_page.django_group
        # The live title from the database, never a draft title held in memory.
        live_title = Page.objects.filter(pk=group_page.pk).values_list("title", flat=True).first()
        name = group_page.django_group_name_for(live_title or group_page.title)
        if group is None:
            group, _ = Group.objects.get_or_create(name=name)
            type(group_page).objects.filter(pk=group_page.pk).update(django_group=group)
            group_page.django_group = group
            group.permissions.add(admin_access_permission())
            grant_drafting(group, group_page)
        elif group.name != name:
            group.name = name
            group.save(update_fields=["name"])
        _set_members(group, group_page)
        # Other apps follow the group too (documents: its minutes collection).
        working_group_synced.send(sender=type(group_page), page=group_page, django_group=group)
    return group


def _set_members(django_group, group_page):
    user_ids = WorkingGroupMembership.objects.filter(page=group_page).values_list("user_id", flat=True)
    django_group.user_set.set(list(user_ids))


def sync_members(group_page):
    """A membership was added, changed or removed: the group's Django group holds exactly its members.

    Only the members change: the group's name, permissions and minutes collection do not depend on
    who belongs to it, so they are left alone (a full sync per row made saving a group of twelve
    re-check the whole library twelve times). A group never synced gets the full sync.
    """
    if group_page.django_group_id is None:
        return sync_working_group(group_page)
    with transaction.atomic():
        _set_members(group_page.django_group, group_page)
    return group_page.django_group


def remove_wagtail_starter_groups():
    """Wagtail creates "Moderators" and "Editors" with publish rights on the whole tree: drop them.

    A starter group that somebody put users in is kept, but loses its page permissions, so that
    nobody publishes around the workflow.
    """
    for group in Group.objects.filter(name__in=WAGTAIL_STARTER_GROUPS):
        if group.user_set.exists():
            GroupPagePermission.objects.filter(group=group).delete()
            logger.warning(
                "Kept Wagtail group %r (it has users) but removed its page permissions.", group.name
            )
        else:
            group.delete()


def ensure_roles():
    """Create or repair every group and permission. Safe to run any number of times."""
    with transaction.atomic():
        remove_wagtail_starter_groups()
        members_group()
        access_admin = admin_access_permission()
        editors = editors_group()
        editors.permissions.add(access_admin)
        board_group().permissions.add(access_admin)
        # Nobody edits a decision but the board: drop the permission from any other group.
        Group.permissions.through.objects.filter(
            permission__content_type__app_label="workinggroups",
            permission__codename__in=["add_boarddecision", "change_boarddecision", "delete_boarddecision"],
        ).exclude(group__name=settings.BOARD_GROUP_NAME).delete()
        board = board_group()
        for codename in ("change_boarddecision", "view_boarddecision"):
            board.permissions.add(_permission("workinggroups", "boarddecision", codename))
        for programme in ProgrammePage.objects.all():
            grant_editors_on_programme(programme)
        for group_page in WorkingGroupPage.objects.select_related("django_group"):
            sync_working_group(group_page)
        ensure_workflow()
        ensure_decisions()
        # Publishing is the workflow's job: no group may hold a publish right.
        removed, _ = GroupPagePermission.objects.filter(permission__codename="publish_page").delete()
        if removed:
            logger.warning("Removed %d group publish permissions: only superusers publish.", removed)


def ensure_decisions():
    """Every published recommendation has its board decision record."""
    for recommendation in RecommendationPage.objects.live().filter(board_decision__isnull=True):
        BoardDecision.for_recommendation(recommendation)


def ensure_roles_after_migrate(sender, using="default", **kwargs):
    # Only once the tables exist (not, say, after migrating this app back to zero).

    needed = {
        Page._meta.db_table,
        GroupPagePermission._meta.db_table,
        WorkingGroupMembership._meta.db_table,
        FacilitatorApprovalTask._meta.db_table,
        BoardDecision._meta.db_table,
    }
    if needed <= set(connections[using].introspection.table_names()):
        ensure_roles()
