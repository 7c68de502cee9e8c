"""The intranet's frame: the site a request is for, its root page and the main menu.

Every member page needs them, and Wagtail reads them afresh on each request: the site by its host
(one query), its root page (one), the root page's specific row (one), and the menu, the root's
children shown in menus that the person may open (one, and its building by the ORM). They change
only with a site, a page or a restriction, and each of these raises the shared generation
(sitewide/generation.py, sitewide/scopes.py). So for a request whose shared generation has been read
(the page cache reads it before the view of every member page, cached or not), they are read once
per process and generation and kept: the site and its root page per host, the menu per host and set
of closed pages (the menu is narrowed by the person's rights, privacy/rules.py, in its query). Each
request gets its own copies of the kept objects, so that nothing one request sets on them is seen by
another. Any other request (the admin, the account pages) reads them Wagtail's way.
"""

import copy

from wagtail.models import Site

from privacy.rules import closed_paths, visible_pages

#: Per process, for one shared generation only: ``{host: site}`` (its root page specific, cached on it)
#: and ``{(host, closed pages): [menu pages]}``.
_KEPT = {"generation": None, "sites": {}, "menus": {}}
#: At most this many menus are kept (one per host and set of closed pages); beyond, they start again.
MENUS_SIZE = 1024


def _kept(generation):
    if _KEPT["generation"] != generation:
        _KEPT["generation"], _KEPT["sites"], _KEPT["menus"] = generation, {}, {}
    return _KEPT


def forget_frame():
    """Forget what this process keeps (the tests start each from an empty database)."""
    _KEPT["generation"], _KEPT["sites"], _KEPT["menus"] = None, {}, {}


def _host(request):
    return (request.get_host(), request.get_port())


def keep_site(request, generation):
    """Give ``request`` its site, with the site's specific root page, from what this process kept for
    the shared ``generation``; Wagtail's ``Site.find_for_request`` and routing then read no table.
    Wagtail caches a request's site on the request itself (``request._wagtail_site``, as its
    ``find_for_request`` says): a site found here is put there."""
    kept = _kept(generation)
    host = _host(request)
    if host not in kept["sites"]:
        site = Site.find_for_request(request)
        if site is not None:
            site.root_page = site.root_page.specific
        kept["sites"][host] = site
    site = kept["sites"][host]
    if site is not None:
        root = copy.copy(site.root_page)
        site = copy.copy(site)
        site.root_page = root
    request._wagtail_site = site
    request._intranet_frame_generation = generation
    return site


def menu(request):
    """The main menu's root and its sections for ``request``: ``(root page, [section pages])``, or
    ``(None, [])`` when no site answers for the request's host."""
    site = Site.find_for_request(request)
    if site is None:
        return None, []
    root = site.root_page
    generation = getattr(request, "_intranet_frame_generation", None)
    if generation is None:
        return root, list(visible_pages(request, root.get_children().in_menu()))
    kept = _kept(generation)
    if len(kept["menus"]) >= MENUS_SIZE:
        kept["menus"] = {}
    key = (_host(request), frozenset(closed_paths(request)))
    sections = kept["menus"].get(key)
    if sections is None:
        sections = kept["menus"][key] = list(visible_pages(request, root.get_children().in_menu()))
    return root, [copy.copy(section) for section in sections]
