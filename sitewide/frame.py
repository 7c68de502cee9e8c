"""The frame of a member page: the site a request is for, its root page and the main menu.

Every member page needs them, and Wagtail reads them afresh on each request: the site with its root
page (one query), the root page's specific row (one), and the menu, the root's children shown in menus
that the person may open (one, and its building by the ORM). The pages served by the page cache's views
(sitewide/page_cache.py: Wagtail's pages and search, cached or rendered) read them from what this
process kept for the request's shared generation instead: the site and its root page per host, the menu
per site and set of closed pages (the menu is narrowed by the person's rights, privacy/rules.py, in its
query). Other views (the admin, the account pages, the calendar) read them Wagtail's way.

The admin's frame is its sidebar: Wagtail builds it on every admin screen by asking each menu item and
search area whether the person may see it (a dozen permission checks, some 18 ms for a board member), then
packs it as JSON. It depends only on the person's rights, their name, avatar and dismissed help items, and
the language, never on the screen: it is kept per person and all of these for the shared generation
(``sidebar``).

Why that is safe: the root page, its children and their restrictions, a site, a move or a deletion raise
the shared generation (sitewide/scopes.py: a programme or group page's own change, and any page outside
every programme and group, are shared changes). That holds because the site's root is outside every
programme and group; a site rooted inside one (its children would be reports, whose changes stay within
their scope) is never kept. A change made without Wagtail's signals (a queryset update, raw SQL) raises
nothing: what is kept is read again after ``KEPT_SECONDS`` whatever happens.

Each request gets its own copies of the kept objects, so that nothing one request sets on them is seen by
another; what is kept for a generation is written only into that generation's store, never into a newer
one, and an older generation's request keeps nothing (a threaded server runs such requests side by side).
"""

import copy
import time

from django.http.request import split_domain_port
from django.utils.translation import get_language
from wagtail.admin.templatetags.wagtailadmin_tags import avatar_url, sidebar_props
from wagtail.models import Site

from accounts.backends import IntranetModelBackend
from privacy.rules import closed_paths, visible_pages

from . import generation as content_generation
from .scopes import within_a_scope

#: How long what is kept serves, at most, even when no generation moved.
KEPT_SECONDS = 60
#: At most this many sites (hosts) and menus (sets of closed pages) are kept; beyond, they are read.
SITES_SIZE = 16
MENUS_SIZE = 1024
#: At most this many admin sidebars (people and languages, some 5 kB each) are kept; beyond, they are built.
SIDEBARS_SIZE = 512


class _Kept:
    """What is kept for one shared generation: replaced whole, never emptied in place."""

    def __init__(self, generation):
        self.generation, self.since = generation, time.monotonic()
        self.sites, self.menus, self.sidebars = {}, {}, {}


_current = _Kept(None)


def forget_frame():
    """Forget what this process keeps (the tests start each from an empty database)."""
    global _current
    _current = _Kept(None)


def _kept(generation):
    """The store for ``generation``, or None for a request of an older generation than the one kept."""
    global _current
    current = _current
    fresh = time.monotonic() - current.since < KEPT_SECONDS
    if current.generation == generation and fresh:
        return current
    if current.generation is not None and generation < current.generation and fresh:
        return None
    current = _current = _Kept(generation)
    return current


def _host(request):
    """What Wagtail finds a site by: the host name, without its port, and the server's port."""
    return split_domain_port(request.get_host())[0], request.get_port()


def keep_site(request, generation):
    """Give ``request`` its site, with the site's specific root page, from what this process kept for
    the shared ``generation``; Wagtail's ``Site.find_for_request`` and routing then read no table.
    Wagtail caches a request's site on the request itself (``request._wagtail_site``, as its
    ``find_for_request`` says): a site found here is put there."""
    kept = _kept(generation)
    if kept is None:
        return Site.find_for_request(request)
    host = _host(request)
    original = kept.sites.get(host)
    if original is None:
        found = Site.find_for_request(request)
        if found is None or within_a_scope(found.root_page.path, generation):
            return found  # read Wagtail's way, and its menu too (no store on the request)
        original = copy.copy(found)  # the request's own object stays the request's
        original.root_page = found.root_page.specific
        if len(kept.sites) < SITES_SIZE:
            kept.sites[host] = original
    site = copy.copy(original)
    site.root_page = copy.copy(original.root_page)
    request._wagtail_site = site
    request._intranet_frame = kept
    return site


def menu(request):
    """The main menu's root and its sections for ``request``: ``(root page, [section pages])``, or
    ``(None, [])`` when no site answers for the request's host."""
    site = Site.find_for_request(request)
    if site is None:
        return None, []
    root = site.root_page
    kept = getattr(request, "_intranet_frame", None)
    key = (site.pk, frozenset(closed_paths(request)))
    sections = kept.menus.get(key) if kept is not None else None
    if sections is None:
        sections = list(visible_pages(request, root.get_children().in_menu()))
        if kept is None:
            return root, sections  # read for this request only
        if len(kept.menus) < MENUS_SIZE:
            kept.menus[key] = sections
    return root, [copy.copy(section) for section in sections]


def sidebar(context):
    """Wagtail's admin sidebar for the context's request (``sidebar_props``: the main menu, the search
    area and the account menu, as JSON), kept for the shared generation.

    Every menu item and search area decides whether it is shown from the person's rights: their groups,
    the groups' page, collection and site permissions, their memberships and superuser flag, all of which
    raise the shared generation (sitewide/content.py, workinggroups/content.py). The rest is in the key:
    the person, the language, the name and avatar the account menu shows, and the help items they
    dismissed (the avatar and those are in a profile, which raises nothing). The sidebar names no screen
    (Wagtail marks the current item in the browser), so one serves every admin screen. What is kept is a
    string: nothing to copy.

    The generation is read first, and a sidebar to keep is built for the person read again after it: the
    rights this request worked out earlier and cached on its own person (Django's permissions, the board
    and facilitator flags) may be older than the generation, and would be kept under it."""
    request = context["request"]
    user = request.user
    if not user.is_authenticated:
        return sidebar_props(context)
    kept = _kept(content_generation.current(content_generation.SHARED))
    if kept is None:
        return sidebar_props(context)
    key = (
        user.pk,
        get_language(),
        user.first_name,
        user.get_username(),
        avatar_url(user, size=50),
        _dismissed(user),
    )
    found = kept.sidebars.get(key)
    if found is None:
        fresh = copy.copy(request)
        fresh.user = IntranetModelBackend().get_user(user.pk)  # as each request loads its person
        if fresh.user is None:
            return sidebar_props(context)
        found = sidebar_props({"request": fresh})
        if len(kept.sidebars) < SIDEBARS_SIZE:
            kept.sidebars[key] = found
    return found


def _dismissed(user):
    """The admin's dismissible items (help, what's new) this person dismissed, as Wagtail reads them."""
    profile = getattr(user, "wagtail_userprofile", None)  # None when the person has no profile
    return tuple(sorted(name for name, value in (profile.dismissibles if profile else {}).items() if value))
