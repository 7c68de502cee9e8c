"""Which cached pages a change can alter: those of one programme or working group, or every page.

A report published in one group changes that group's pages, its programme's pages (their lists, the
tracker) and the pages that gather every group (the home page, search), not the pages of the other
groups. Each programme and working group page is a **scope**: a change that stays within a scope
raises its value and its programme's (``sitewide.generation.advance_scopes``) and the ``all``
generation; any other change raises the ``shared`` generation too, which every key holds.

The page cache then keys a page by what it can show:

* a page within a scope (a group's page and its reports and recommendations, a programme's page and
  its lists) by the ``shared`` generation and its nearest scope's value, found from its URL;
* every other page (the home page, search results) by the ``all`` generation.

What stays within a scope (``scopes_changed``): a page below a programme or group page (not such a
page itself: its title is shown in the menus and the other groups' pages), and the rows an app says
are shown only with such pages (``SHOWN_ON`` in its content.py: a board decision, a meeting, a
report's tags), along with the pages they are linked to elsewhere (a recommendation names the
reports of other groups it came from: a change to either raises both groups). Everything about
people and rights (accounts, groups, memberships, restrictions, grants, documents) is shared: a page
that loses a restriction, or a person who loses a group, is never served from an older copy.
"""

from functools import cache

from wagtail.models import Page, Site

from workinggroups.models import ProgrammePage, WorkingGroupPage

from . import generation as content_generation
from .content_registry import declarations

#: The page types whose pages are scopes.
SCOPE_TYPES = (ProgrammePage, WorkingGroupPage)

#: Per process: the scopes' tree paths and URL paths, for the current shared generation only (a
#: scope page's own change, a move or a deletion raises the shared generation).
_SCOPES = {"generation": None, "by_path": {}, "by_url": {}}


@cache
def _shown_on():
    return declarations().shown_on


def forget():
    """Forget what this process keeps (the tests start each from an empty database)."""
    _SCOPES["generation"], _SCOPES["by_path"], _SCOPES["by_url"] = None, {}, {}


def _scopes(shared_generation):
    if _SCOPES["generation"] != shared_generation:
        rows = Page.objects.type(*SCOPE_TYPES).values_list("pk", "path", "url_path")
        _SCOPES["by_path"] = {path: pk for pk, path, _url in rows}
        _SCOPES["by_url"] = {url: pk for pk, _path, url in rows}
        _SCOPES["generation"] = shared_generation
    return _SCOPES


def _chain(path, by_path, inclusive):
    """The scopes above the page at ``path`` (and the page itself when ``inclusive`` and a scope)."""
    step = Page.steplen
    end = len(path) + (step if inclusive else 0)
    return {by_path[path[:n]] for n in range(step, end, step) if path[:n] in by_path}


def within_a_scope(path, shared_generation):
    """Whether the page at tree path ``path`` is a programme or group page or below one: the changes of
    the pages below it may then raise only their scope, not the shared generation."""
    return bool(_chain(path, _scopes(shared_generation)["by_path"], inclusive=True))


def scopes_changed(sender, instance):
    """The ids of the scopes a change to ``instance`` stays within, or None when it may show anywhere."""
    is_page = isinstance(instance, Page)
    model = sender
    if is_page:
        # A page saved as a plain ``Page`` (a move, a bulk action) is still a report or a recommendation.
        model = instance.specific_class or type(instance)
        if issubclass(model, SCOPE_TYPES) or not instance.path:
            return None  # a programme or group page itself: named on other pages
    resolve = _shown_on().get(model._meta.label_lower)
    if resolve is None and not is_page:
        return None
    linked = resolve(instance) if resolve is not None else []
    if linked is None:
        return None
    by_path = _scopes(content_generation.current(content_generation.SHARED))["by_path"]
    scopes = set()
    if is_page:
        if instance.path in by_path:
            return None
        scopes |= _chain(instance.path, by_path, inclusive=False)
        if not scopes:
            return None  # a page outside every programme (the home page, a section)
    linked = set(linked)
    if linked:
        paths = dict(Page.objects.filter(pk__in=linked).values_list("pk", "path"))
        if set(paths) != linked:
            return None  # a linked page is gone (deleted with it): which scope it was in is unknown
        for path in paths.values():
            found = _chain(path, by_path, inclusive=True)
            if not found:
                return None
            scopes |= found
    return scopes or None


def kept_generation():
    """The shared generation of the scopes this process knows (None before it read them)."""
    return _SCOPES["generation"]


def scope_of_request(request, shared_generation=None):
    """The nearest scope of the page a URL serves, or None (a page that is in none, or a site setup
    this does not read: several sites). ``shared_generation``: the scopes as of that generation; None
    takes the scopes this process knows, whichever generation they are of (the page cache then reads
    the generation and asks again if it moved)."""
    if shared_generation is None:
        shared_generation = kept_generation()
        if shared_generation is None:
            shared_generation = content_generation.current(content_generation.SHARED)
    roots = Site.get_site_root_paths()
    if len(roots) != 1:
        return None
    root_url_path = roots[0].root_path
    path = request.path_info
    if not path.startswith("/"):
        return None
    by_url = _scopes(shared_generation)["by_url"]
    url_path = root_url_path + path.lstrip("/")
    if not url_path.endswith("/"):
        url_path = url_path[: url_path.rfind("/") + 1]
    while url_path.startswith(root_url_path) and url_path != root_url_path:
        if url_path in by_url:
            return by_url[url_path]
        url_path = url_path[: url_path.rstrip("/").rfind("/") + 1]
    return None
