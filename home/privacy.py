"""Pages a person may see: live, and not under a view restriction they do not pass.

Wagtail's ``.public()`` hides every restricted page, even from the people allowed to see
it; this filter is per person, and stays a query (computed once per request), so lists
and search can count and paginate after it.
"""

from django.db.models import Q
from wagtail.models import PageViewRestriction

_CACHE_ATTR = "_closed_page_paths"
_GROUPS_ATTR = "_intranet_group_ids"


def user_group_ids(user):
    """Ids of the user's Django groups, read once per user object (that is, once per request)."""
    cached = getattr(user, _GROUPS_ATTR, None)
    if cached is None:
        cached = frozenset(user.groups.values_list("pk", flat=True)) if user.is_authenticated else frozenset()
        setattr(user, _GROUPS_ATTR, cached)
    return cached


def forget_group_ids(user):
    """Call after changing a user's groups within the same request."""
    if hasattr(user, _GROUPS_ATTR):
        delattr(user, _GROUPS_ATTR)


def closed_paths(request):
    """Tree paths of the private pages ``request.user`` may not open: two small queries at most.

    The same rules as Wagtail's ``PageViewRestriction.accept_request``, without its query per
    restriction: a login restriction opens to anyone logged in, a group restriction to its
    groups (and superusers), and a shared password (switched off here) opens nothing.
    """
    cached = getattr(request, _CACHE_ATTR, None)
    if cached is None:
        user = request.user
        rows = list(PageViewRestriction.objects.values_list("pk", "page__path", "restriction_type"))
        passed = set()
        group_ids = user_group_ids(user)
        if group_ids and any(kind == PageViewRestriction.GROUPS for _pk, _path, kind in rows):
            passed = set(
                PageViewRestriction.groups.through.objects.filter(group_id__in=group_ids).values_list(
                    "pageviewrestriction_id", flat=True
                )
            )
        cached = []
        for pk, path, kind in rows:
            if kind == PageViewRestriction.LOGIN and user.is_authenticated:
                continue
            if kind == PageViewRestriction.GROUPS and (user.is_superuser or pk in passed):
                continue
            cached.append(path)
        setattr(request, _CACHE_ATTR, cached)
    return cached


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
