"""A page found by its URL path in one query, instead of one level at a time.

Wagtail routes a request from the site's root page down, one level a step: each step fetches the
child by its slug, then its specific row, so a meeting report three levels below the home page
costs six queries before its view runs. Every page already stores its full URL path (``url_path``, kept
by Wagtail on save and move), so the pages on the way are fetched at once, by the paths the request's
prefixes would have, and only the page that answers is made specific.

The result is the one Wagtail's own walk gives:

* the walk goes through pages whose ``route`` is Wagtail's own without doing anything but step down,
  so it can be skipped; the first page on the way that routes differently (a ``RoutablePageMixin``
  page such as a programme, whose lists answer at ``recommandations/``) is handed the rest of the
  path, as the walk would have handed it;
* a missing step is a 404, as is a page that is not live at the end (the check of ``Page.route``);
* pages on the way need not be live (Wagtail does not ask it of them either);
* a step is taken only where a row's tree position and slug agree with its URL path; where they do
  not, the rest is walked Wagtail's way from the last page that agreed.

The answering page's cached parent (``get_parent()``) is a plain ``Page``, where Wagtail's walk
leaves the parent's specific page.
"""

from django.http import Http404
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page

from workinggroups.tree import is_parent_of


def _routes_itself(model, remaining):
    """Whether ``model``'s own ``route`` answers for ``remaining`` rather than step down to a child.

    A ``RoutablePageMixin`` page answers itself when the rest of the path resolves among its routes
    (URL resolution, no query) and otherwise steps down to its children, as in Wagtail's walk. Any other
    page type with a ``route`` of its own is handed the rest of the path."""
    if model is None:
        return False
    if issubclass(model, RoutablePageMixin) and _own_route(model, skipping=RoutablePageMixin) is Page.route:
        try:
            model.get_resolver().resolve("/" + "".join(f"{part}/" for part in remaining))
        except Http404:
            return False
        return True
    return _own_route(model) is not Page.route


def _own_route(model, skipping=None):
    """The ``route`` that ``model`` inherits, ``skipping``'s aside (a mixin whose routing is judged apart)."""
    for klass in model.__mro__:
        if klass is not skipping and "route" in vars(klass):
            return vars(klass)["route"]
    return None


#: At most this many levels are looked up at once (the tree is five deep); a longer path's rest is
#: walked the way Wagtail walks it, so that a made-up path of a thousand parts costs no huge query.
MAX_LEVELS = 12


def route_by_url_path(root, request, path_components):
    """What ``Page.route`` would return for ``path_components`` below ``root``, in two queries."""
    prefixes = [
        root.url_path + "/".join(path_components[:depth]) + "/"
        for depth in range(1, min(len(path_components), MAX_LEVELS) + 1)
    ]
    # The url_path index (home/migrations/0004) finds these few rows; the path keeps them below this
    # root, since another site's pages could share a URL path.
    found = {
        page.url_path: page
        for page in Page.objects.filter(
            url_path__in=prefixes, path__startswith=root.path, depth__gt=root.depth
        )
    }
    parent, handler, remaining = root, None, path_components
    for step, prefix in enumerate(prefixes, start=1):
        page = found.get(prefix)
        # The step is taken only where the tree agrees with the URL path kept on the row: the child
        # of the page before, with the slug asked for. Otherwise (a URL path left stale by a change
        # made without Wagtail) the walk goes on from the page before, Wagtail's way.
        if page is None or not is_parent_of(parent, page) or page.slug != path_components[step - 1]:
            break
        # As Wagtail's walk does, so that get_parent() costs no query.
        page._cached_parent_obj = parent
        parent, handler, remaining = page, page, path_components[step:]
        if _routes_itself(page.specific_class, remaining):
            break
    if handler is None:
        raise Http404
    specific = handler.specific
    if handler is not specific:
        specific._cached_parent_obj = handler._cached_parent_obj
    # The handler checks that the page is live, or routes the rest: a RoutablePageMixin view, or a
    # child it looks up by slug (a 404 when a step was missing).
    return specific.route(request, remaining)
