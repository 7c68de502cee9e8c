"""Who follows what. A person follows a page (the programme, a working group, a recommendation) by
their own choice (a ``Follow`` row) or by default: a group's members and facilitators follow their
group, the board follows the programme. Their own choice always wins, in both directions, so a
default can be undone and stays undone. Following a page means hearing about what happens below it.
"""

from functools import cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
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


def is_following(user, page):
    """Whether ``user`` follows ``page`` itself (their choice, else the default)."""
    return following(user, {page.pk: page.path}).get(page.pk, (False, None))[0]


def following(user, paths):
    """For each followable page among ``paths`` (``{page id: tree path}``): ``(following, via)``, whether
    the person follows it (their choice, else the default: follows.py), and if not, the title of the
    closest page above it they follow (they hear of it through that one). One query.

    Written in SQL: it runs on every cached page that has a follow button, where building the same
    query with the ORM (a subquery and two existence tests on Wagtail's page queryset) cost more than
    the rest of the cached page's answer."""
    steps = Page.steplen
    chain = sorted({path[:end] for path in paths.values() for end in range(steps, len(path) + 1, steps)})
    if not chain:
        return {}
    page, follow = Page._meta.db_table, Follow._meta.db_table
    membership = WorkingGroupMembership._meta.db_table
    link, group = get_user_model().groups.through._meta.db_table, Group._meta.db_table
    types = _followable_type_ids()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT p.path, p.title, p.content_type_id,
                (SELECT f.following FROM {follow} f WHERE f.user_id = %s AND f.page_id = p.id),
                EXISTS(SELECT 1 FROM {membership} m WHERE m.user_id = %s AND m.page_id = p.id),
                EXISTS(SELECT 1 FROM {link} ug JOIN {group} g ON g.id = ug.group_id
                       WHERE ug.user_id = %s AND g.name = %s)
            FROM {page} p
            WHERE p.path IN ({", ".join(["%s"] * len(chain))})
              AND p.content_type_id IN ({", ".join(["%s"] * len(types))})
            """,  # noqa: S608 - table names from the models, every value a parameter
            [user.pk, user.pk, user.pk, settings.BOARD_GROUP_NAME, *chain, *types],
        )
        rows = cursor.fetchall()
    programme = _followable_type_ids()[0]
    followed = {
        path: (title, choice if choice is not None else bool(member or (board and content_type == programme)))
        for path, title, content_type, choice, member, board in rows
    }
    state = {}
    for pk, path in paths.items():
        if path not in followed:
            continue  # not a page one follows
        via = None
        if not followed[path][1]:
            above = (path[:end] for end in range(len(path) - steps, 0, -steps))
            via = next((followed[p][0] for p in above if p in followed and followed[p][1]), None)
        state[pk] = (bool(followed[path][1]), via)
    return state


@cache
def _followable_type_ids():
    """The content types of FOLLOWABLE, the programme's first (content types never change id)."""
    by_model = ContentType.objects.get_for_models(*FOLLOWABLE)
    return tuple(by_model[model].pk for model in FOLLOWABLE)


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
