"""People of a working group in a stable, human order: facilitators, board liaison, members by profile."""

from django.conf import settings

from languages.formats import natural_key

from .choices import MembershipRole, StakeholderProfile

ROLE_ORDER = {MembershipRole.FACILITATOR: 0, MembershipRole.BOARD_LIAISON: 1, MembershipRole.MEMBER: 2}


def is_board(user):
    """A member of the board (or a superuser): records the board's decisions, lifts restrictions."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    # Kept on the user object for the request, as its groups are (privacy.rules.user_group_ids): every
    # admin page asks it several times (its menus, the documents' and decisions' rules).
    cached = getattr(user, "_intranet_is_board", None)
    if cached is None:
        cached = user._intranet_is_board = user.groups.filter(name=settings.BOARD_GROUP_NAME).exists()
    return cached


def facilitates(user, group_id):
    """Whether ``user`` is a facilitator of the working group page ``group_id``."""
    if not (user and user.is_authenticated and user.is_active and group_id):
        return False
    return user.working_group_memberships.filter(page_id=group_id, role=MembershipRole.FACILITATOR).exists()


def is_facilitator(user):
    """Whether ``user`` facilitates any working group."""
    return user.working_group_memberships.filter(role=MembershipRole.FACILITATOR).exists()


def person_sort_key(user):
    """Digits compare as numbers and accents do not count: "Membre 2" comes before "Membre 10"."""
    return natural_key(f"{user.last_name} {user.first_name} {user.username}")


def _membership_sort_key(membership):
    return (ROLE_ORDER.get(membership.role, 9), person_sort_key(membership.user))


def summarise_memberships(memberships):
    """Facilitators, board liaison, and members grouped by stakeholder profile, in a stable order.

    The one count of who is in a group, for every page that says it: ``people_count`` is everyone
    with a membership (facilitators and board liaison included), ``member_count`` those whose role
    is "member", and ``profile_mix`` splits the same ``people_count`` people by profile."""
    memberships = sorted(memberships, key=_membership_sort_key)
    by_profile = {profile: [] for profile in StakeholderProfile}
    for membership in memberships:
        if membership.role == MembershipRole.MEMBER:
            by_profile[StakeholderProfile(membership.profile)].append(membership)
    return {
        "facilitators": [m for m in memberships if m.role == MembershipRole.FACILITATOR],
        "board_liaisons": [m for m in memberships if m.role == MembershipRole.BOARD_LIAISON],
        "members_by_profile": [(profile.label, people) for profile, people in by_profile.items() if people],
        "member_count": sum(1 for m in memberships if m.role == MembershipRole.MEMBER),
        "people_count": len(memberships),
        "profile_mix": [
            (profile.label, count)
            for profile, count in (
                (profile, sum(1 for m in memberships if m.profile == profile))
                for profile in StakeholderProfile
            )
            if count
        ],
    }
