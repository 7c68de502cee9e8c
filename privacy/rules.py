"""Who may see which page and which collection: one rule for both.

Wagtail restricts a page with a ``PageViewRestriction`` and a collection (of documents) with a
``CollectionViewRestriction``; both are ``BaseViewRestriction``s and mean the same thing here:
a login restriction opens to anyone logged in, a group restriction to its groups and to
superusers, and a shared password (switched off in settings) opens nothing. A restriction closes
its page or collection and everything below it in the tree.

Wagtail's ``.public()`` hides every restricted page, even from the people allowed to see it; these
filters are per person, and stay queries (computed once per request), so lists and search can count
and paginate after them. Documents add granted access requests on top (documents/access.py).
"""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.functions import Left
from django.db.models.lookups import In
from wagtail.models import BaseViewRestriction, CollectionViewRestriction, PageViewRestriction

_CACHE_ATTR = "_closed_page_paths"
_GROUPS_ATTR = "_intranet_group_ids"


def user_group_ids(user):
    """Ids of the user's Django groups, read once per user object (that is, once per request)."""
    cached = getattr(user, _GROUPS_ATTR, None)
    if cached is None:
        cached = frozenset(user.groups.values_list("pk", flat=True)) if user.is_authenticated else frozenset()
        setattr(user, _GROUPS_ATTR, cached)
    return cached


def remember_groups(user, group_ids):
    """Use ``group_ids`` as ``user_group_ids(user)`` from now on, instead of reading them: for
    sitewide/page_cache.py, which keeps what it read while nothing it depends on changes."""
    setattr(user, _GROUPS_ATTR, frozenset(group_ids))


def remember_closed(request, closed_pages):
    """Use ``closed_pages`` as ``closed_paths(request)`` for the rest of the request (as above)."""
    setattr(request, _CACHE_ATTR, list(closed_pages))


def closed_tree_paths(restriction_model, user):
    """Tree paths of the pages or collections (``restriction_model``: ``PageViewRestriction`` or
    ``CollectionViewRestriction``) that ``user`` may not open: two small queries at most.

    The same rules as Wagtail's ``accept_request``, without its query per restriction.
    """
    rows = _restrictions(restriction_model)
    passed = _passed(restriction_model, rows, user_group_ids(user))
    return _closed(rows, passed, user)


def closed_tree_paths_for(restriction_model, users):
    """``closed_tree_paths`` for many people at once, as ``{user id: paths}``: three queries whatever
    their number (notifications check each recipient when they are sent)."""
    users = list(users)
    rows = _restrictions(restriction_model)
    if not rows:
        return {user.pk: [] for user in users}
    memberships = {}
    link = get_user_model().groups.through  # not type(user): request.user is a lazy wrapper
    for user_id, group_id in link.objects.filter(user_id__in=[user.pk for user in users]).values_list(
        "user_id", "group_id"
    ):
        memberships.setdefault(user_id, set()).add(group_id)
    passing = _passed(restriction_model, rows, set().union(*memberships.values()), by_group=True)
    closed = {}
    for user in users:
        passed = set().union(*(passing.get(group, ()) for group in memberships.get(user.pk, ())))
        closed[user.pk] = _closed(rows, passed, user)
    return closed


def _restrictions(restriction_model):
    return list(
        restriction_model.objects.values_list("pk", f"{_TARGET[restriction_model]}__path", "restriction_type")
    )


def _passed(restriction_model, rows, group_ids, by_group=False):
    """The restrictions ``group_ids`` pass (``by_group``: as ``{group id: restriction ids}``)."""
    if not group_ids or not any(kind == restriction_model.GROUPS for _pk, _path, kind in rows):
        return {} if by_group else set()
    link = restriction_model.groups.through
    pairs = link.objects.filter(group_id__in=group_ids).values_list(
        "group_id", f"{restriction_model._meta.model_name}_id"
    )
    if not by_group:
        return {restriction for _group, restriction in pairs}
    passing = {}
    for group, restriction in pairs:
        passing.setdefault(group, set()).add(restriction)
    return passing


def _closed(rows, passed, user):
    closed = []
    for pk, path, kind in rows:
        if kind == BaseViewRestriction.LOGIN and user.is_authenticated:
            continue
        if kind == BaseViewRestriction.GROUPS and (user.is_superuser or pk in passed):
            continue
        closed.append(path)  # shared passwords are switched off: a leftover one opens nothing
    return closed


#: The field that names what a restriction closes.
_TARGET = {PageViewRestriction: "page", CollectionViewRestriction: "collection"}


def closed_paths(request):
    """Tree paths of the private pages ``request.user`` may not open, once per request."""
    cached = getattr(request, _CACHE_ATTR, None)
    if cached is None:
        cached = closed_tree_paths(PageViewRestriction, request.user)
        setattr(request, _CACHE_ATTR, cached)
    return cached


def closed_collection_paths(user):
    """Tree paths of the restricted collections ``user`` does not pass (their descendants are closed too)."""
    return closed_tree_paths(CollectionViewRestriction, user)


def visible_pages(request, queryset):
    """``queryset`` narrowed to live pages ``request.user`` may open."""
    return live_and_open(queryset, closed_paths(request))


def live_and_open(queryset, closed):
    """``queryset`` narrowed to live pages outside the tree paths ``closed`` (``closed_tree_paths``
    of someone): for a person who is not the request's user, such as the owner of a private feed
    that a feed reader fetches without a session."""
    queryset = queryset.live()
    if not closed:
        return queryset
    # One LIKE a closed path (a few at most: pages are restricted rarely), not ``under_any``: Wagtail's
    # search backends read this filter and know only lookups on fields.
    hidden = Q()
    for path in closed:
        hidden |= Q(path__startswith=path)
    return queryset.exclude(hidden)


def under_any(field, paths):
    """A filter: ``field`` (a tree path) starts with one of ``paths``. Written as one
    ``LEFT(field, n) IN (…)`` per length of path rather than one ``LIKE`` per path: a person outside
    every working group has some 200 closed collections, and 200 ``LIKE`` clauses cost more to build
    and to run than the query they filter (docs/performance.md, "Rendered, without the cache")."""
    by_length = defaultdict(set)
    for path in paths:
        by_length[len(path)].add(path)
    if not by_length:
        return Q(pk__in=[])
    found = Q()
    for length, prefixes in sorted(by_length.items()):
        found |= Q(In(Left(field, length), sorted(prefixes)))
    return found


def path_is_open(path, closed):
    return not any(path.startswith(prefix) for prefix in closed)


def can_view(request, page):
    return page.live and not any(page.path.startswith(path) for path in closed_paths(request))
