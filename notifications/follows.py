"""Who follows what. A person follows a page (the programme, a working group, a recommendation) by
their own choice (a ``Follow`` row) or by default: a group's members and facilitators follow their
group, the board follows the programme. Their own choice always wins, in both directions, so a
default can be undone and stays undone. Following a page means hearing about what happens below it.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from wagtail.models import Page

from workinggroups.models import ProgrammePage, RecommendationPage, WorkingGroupMembership, WorkingGroupPage

from .models import Follow

FOLLOWABLE = (ProgrammePage, WorkingGroupPage, RecommendationPage)


def is_followable(page):
    return isinstance(page.specific_deferred, FOLLOWABLE)


def followable_chain(page):
    """The page and its ancestors that can be followed, from the programme down: one query."""
    steps = range(Page.steplen, len(page.path) + 1, Page.steplen)
    return list(
        Page.objects.filter(path__in=[page.path[:end] for end in steps])
        .type(*FOLLOWABLE)
        .order_by("depth")
        .specific()
    )


def _default_followers(page):
    """The people who follow ``page`` when they have not chosen: a query of user ids."""
    User = get_user_model()
    if isinstance(page, WorkingGroupPage):
        return WorkingGroupMembership.objects.filter(page_id=page.pk).values("user_id")
    if isinstance(page, ProgrammePage):
        return User.objects.filter(groups__name=settings.BOARD_GROUP_NAME).values("pk")
    return None


def followers(page):
    """Active people with an email or not, who follow ``page`` or a page above it: one query."""
    User = get_user_model()
    chain = followable_chain(page)
    if not chain:
        return User.objects.none()
    wanted = Q(
        pk__in=Follow.objects.filter(page__in=[item.pk for item in chain], following=True).values("user_id")
    )
    for item in chain:
        defaults = _default_followers(item)
        if defaults is not None:
            undone = Follow.objects.filter(page_id=item.pk).values("user_id")  # chosen either way
            wanted |= Q(pk__in=defaults) & ~Q(pk__in=undone)
    return User.objects.filter(wanted, is_active=True)


def follows_by_default(user, page):
    page = page.specific_deferred
    if isinstance(page, WorkingGroupPage):
        return WorkingGroupMembership.objects.filter(page_id=page.pk, user_id=user.pk).exists()
    if isinstance(page, ProgrammePage):
        return user.groups.filter(name=settings.BOARD_GROUP_NAME).exists()
    return False


def is_following(user, page):
    choice = (
        Follow.objects.filter(user_id=user.pk, page_id=page.pk).values_list("following", flat=True).first()
    )
    return follows_by_default(user, page) if choice is None else choice


def set_following(user, page, following):
    Follow.objects.update_or_create(
        user=user, page_id=page.pk, defaults={"following": following, "changed_at": timezone.now()}
    )


def followed_pages(user):
    """The pages ``user`` follows, chosen or by default, programme first then groups then
    recommendations, each with whether it is a default."""
    choices = dict(Follow.objects.filter(user_id=user.pk).values_list("page_id", "following"))
    default_ids = set(
        WorkingGroupMembership.objects.filter(user_id=user.pk).values_list("page_id", flat=True)
    )
    if user.groups.filter(name=settings.BOARD_GROUP_NAME).exists():
        default_ids |= set(ProgrammePage.objects.values_list("pk", flat=True))
    ids = {pk for pk in default_ids if choices.get(pk, True)} | {pk for pk, yes in choices.items() if yes}
    pages = Page.objects.filter(pk__in=ids).live().specific().order_by("depth", "path")
    return [(page, page.pk not in choices) for page in pages]
