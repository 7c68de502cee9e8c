"""Who may see, plan and answer a meeting: one place for each rule, each a query.

* See: whoever may open the group's page sees its meetings, agendas included (like its reports).
* Plan: whoever may add pages under the group's page (Wagtail's page permissions: the group's members,
  facilitator and board liaison, the editors), the same scoping as drafting a report.
* Answer: the group's members (every role).
* See who answers: the group's members and whoever may plan for it; others see the counts.
"""

from wagtail.permission_policies.pages import PagePermissionPolicy

from privacy.rules import closed_paths, live_and_open
from workinggroups.models import WorkingGroupMembership, WorkingGroupPage

from .models import Meeting


def open_groups(closed):
    """The working group pages someone whose closed tree paths are ``closed`` may open."""
    return live_and_open(WorkingGroupPage.objects.all(), closed)


def visible_meetings(request):
    """The meetings ``request.user`` may see."""
    return Meeting.objects.of_open_groups(open_groups(closed_paths(request)))


def plannable_groups(user):
    """The working groups whose meetings ``user`` may plan: those they may add pages under, and that
    are published (a meeting's invitation links to pages its members can open)."""
    if not user.is_authenticated or not user.is_active:
        return WorkingGroupPage.objects.none()
    groups = WorkingGroupPage.objects.live()
    if user.is_superuser:
        return groups
    pages = PagePermissionPolicy().instances_user_has_permission_for(user, "add")
    return groups.filter(pk__in=pages.values("pk"))


def plannable_group_ids(user):
    """Ids of ``plannable_groups(user)``, read once per user object (that is, once per request): the
    admin's listing asks for each row."""
    cached = getattr(user, "_plannable_group_ids", None)
    if cached is None:
        cached = frozenset(plannable_groups(user).values_list("pk", flat=True))
        user._plannable_group_ids = cached
    return cached


def may_plan(user, group):
    return group.pk in plannable_group_ids(user)


def member_group_ids(user):
    """Ids of the working groups ``user`` belongs to (every role)."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_meeting_group_ids", None)
    if cached is None:
        cached = set(WorkingGroupMembership.objects.filter(user=user).values_list("page_id", flat=True))
        user._meeting_group_ids = cached
    return cached


def may_answer(user, meeting):
    return meeting.group_id in member_group_ids(user)


def sees_who_answers(user, meeting):
    return may_answer(user, meeting) or may_plan(user, meeting.group)
