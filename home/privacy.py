"""Pages a person may see: live, and not under a view restriction they do not pass.

Wagtail's ``.public()`` hides every restricted page, even from the people allowed to see
it; this filter is per person, and stays a query (computed once per request), so lists
and search can count and paginate after it.
"""

from django.db.models import Q
from wagtail.models import PageViewRestriction

_CACHE_ATTR = "_closed_page_paths"


def closed_paths(request):
    cached = getattr(request, _CACHE_ATTR, None)
    if cached is None:
        cached = [
            restriction.page.path
            for restriction in PageViewRestriction.objects.select_related("page").prefetch_related("groups")
            if not restriction.accept_request(request)
        ]
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
