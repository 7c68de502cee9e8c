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

from django.db.models import Q
from wagtail.models import CollectionViewRestriction, PageViewRestriction

_CACHE_ATTR = "_closed_page_paths"
_GROUPS_ATTR = "_intranet_group_ids"


def user_group_ids(user):
    """Ids of the user's Django groups, read once per user object (that is, once per request)."""
    cached = getattr(user, _GROUPS_ATTR, None)
    if cached is None:
        cached = frozenset(user.groups.values_list("pk", flat=True)) if user.is_authenticated else frozenset()
        setattr(user, _GROUPS_ATTR, cached)
    return cached


def closed_tree_paths(restriction_model, user):
    """Tree paths of the pages or collections (``restriction_model``: ``PageViewRestriction`` or
    ``CollectionViewRestriction``) that ``user`` may not open: two small queries at most.

    The same rules as Wagtail's ``accept_request``, without its query per restriction.
    """
    rows = list(
        restriction_model.objects.values_list("pk", f"{_TARGET[restriction_model]}__path", "restriction_type")
    )
    group_ids = user_group_ids(user)
    passed = set()
    if group_ids and any(kind == restriction_model.GROUPS for _pk, _path, kind in rows):
        link = restriction_model.groups.through
        passed = set(
            link.objects.filter(group_id__in=group_ids).values_list(
                f"{restriction_model._meta.model_name}_id", flat=True
            )
        )
    closed = []
    for pk, path, kind in rows:
        if kind == restriction_model.LOGIN and user.is_authenticated:
            continue
        if kind == restriction_model.GROUPS and (user.is_superuser or pk in passed):
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
    queryset = queryset.live()
    paths = closed_paths(request)
    if not paths:
        return queryset
    hidden = Q()
    for path in paths:
        hidden |= Q(path__startswith=path)
    return queryset.exclude(hidden)


def can_view(request, page):
    return page.live and not any(page.path.startswith(path) for path in closed_paths(request))
