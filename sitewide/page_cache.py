"""A cache of rendered member pages that cannot show anyone what they may not see.

What is cached: the HTML of intranet pages served by Wagtail (home, programmes, groups,
reports, recommendations, the tracker and the reports listing) and of search results, and the
downloads of those pages (the general assembly's PDF, the tracker's CSV and XLSX), for
logged-in people, in the shared cache (Redis when ``REDIS_URL`` is set, so every app server
uses the same). When that cache is unavailable, pages are served uncached (resilience/cache.py).

The key holds everything the page depends on besides its content:

* the **rights** of the person: the private pages they may not open, the restricted collections they
  may not open, the access to minutes they were granted (until it expires), their pending requests,
  their groups, and, for people who use the admin, who they are (Wagtail's user bar is personal).
  They are read from the database once per shared generation (below) and kept: the person's own
  part in the shared cache, the closed pages and collections per set of groups in the process; a
  grant's expiry is compared with the clock on every request. Every page served by the views below
  reads them here, cached or not, and its own checks use them (privacy/rules.py, documents/access.py);
* the **generations** (sitewide/generation.py), numbers in the database that go up with every change
  to content or people (pages, revisions published, decisions, memberships, documents, restrictions,
  groups) and again once it is committed: a change is visible on the next request, on every app
  server, and older entries are never read again, whatever happened to the cache in between. A page
  within a programme or working group keys on the **shared** generation and its group's (or
  programme's) value, which only changes within that group raise; any other page on the **all**
  generation, which every change raises (sitewide/scopes.py). Which models count is declared by
  their apps (sitewide/content_registry.py); the signals are connected to those;
* the URL with its query string and the language.

What differs between people with the same rights is never cached: the person's name in the
header (an HTML comment in the template, filled in on every response), the CSRF tokens of forms
(replaced by a placeholder in the stored copy, filled in with the current request's token), and
the personal bits of notifications/personal.py (unread count, follow buttons, "new" marks) and
meetings/personal.py (the person's answer to each meeting listed).
A response is not stored when it is not a plain 200 HTML page, when it carries a message for the
person, or when the request changed the session.

A page rendered afresh (a miss, or the cache turned off) uses the rights read for its key, and takes its
site, root page and main menu from what the process kept for the shared generation (sitewide/frame.py).
"""

import hashlib
import json
import re
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.html import escape
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import post_page_move

from documents.access import Access, remember_access
from meetings import personal as meeting_answers
from notifications import personal
from privacy.rules import (
    closed_collection_paths,
    closed_paths,
    closed_tree_paths,
    remember_closed,
    remember_groups,
    user_group_ids,
)

from . import generation as content_generation
from .content_registry import models_that_change_what_members_see
from .frame import forget_frame, keep_site
from .scopes import forget as forget_scopes
from .scopes import kept_generation, scope_of_request, scopes_changed

#: The views whose pages are cached: Wagtail's pages (with their sub-pages) and search results.
CACHED_VIEWS = {"wagtail_serve", "search"}
#: What is stored: HTML pages, and the downloads those views make (the general assembly's PDF, which
#: takes seconds to lay out, and the tracker's CSV and XLSX), under the same key as a page.
STORED_TYPES = (
    "text/html",
    "application/pdf",
    "text/csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
USER_NAME_SLOT = b"<!--intranet:user-name-->"
CSRF_SLOT = b"<!--intranet:csrf-token-->"
CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')

# The content generation


def generation():
    return content_generation.current()


def bump_generation(scopes=None, committed=False):
    """A change: to every page (``scopes`` None), or within the pages of ``scopes`` (sitewide/scopes.py)."""
    if scopes is None:
        content_generation.advance(content_generation.SHARED, content_generation.ALL)
    else:
        content_generation.advance_scopes(scopes, prune=committed)


#: Set inside ``one_generation()``: a list holding whether anything changed in the block.
_BULK = ContextVar("page_cache_bulk", default=None)


@contextmanager
def one_generation():
    """One new content generation for a whole block of changes (the demo's load), instead of two
    statements for each saved row. The block is one transaction (opened here): until it commits
    nobody else reads its rows, and the generation moves on at its end and again once committed."""
    if _BULK.get() is not None:  # nested: the outer block bumps
        yield
        return
    token = _BULK.set([False])
    try:
        with transaction.atomic():
            yield
    finally:
        changed = _BULK.get()[0]
        _BULK.reset(token)
        if changed:
            bump_generation()
            transaction.on_commit(bump_generation, robust=True)


def _changed(sender, **kwargs):
    bulk = _BULK.get()
    if bulk is not None:
        bulk[0] = True
        return
    update_fields = kwargs.get("update_fields")
    if sender._meta.label_lower == settings.AUTH_USER_MODEL.lower() and update_fields == {"last_login"}:
        return  # a login, not a change anyone reads
    instance = kwargs.get("instance")
    scopes = None if instance is None else scopes_changed(sender, instance)
    # Now, and again after the commit: a page rendered in between from the rows as they were before the
    # commit may have been stored under the first new generation, never the second.
    bump_generation(scopes)
    transaction.on_commit(lambda: bump_generation(scopes, committed=True), robust=True)


def _moved(sender, **kwargs):
    """A page moved: the pages of the scope it left and of the one it joined, and their lists."""
    _changed(Page)


def connect_signals():
    """Saves, deletions and many-to-many changes of the models that change what members see.

    Connected model by model (``sender=``), never to every model: a model that changes
    nothing members see costs no call, and Django may delete its rows without signals.
    """
    for model in models_that_change_what_members_see():
        post_save.connect(_changed, sender=model, dispatch_uid="page-cache-save")
        post_delete.connect(_changed, sender=model, dispatch_uid="page-cache-delete")
        m2m_changed.connect(_m2m_changed, sender=model, dispatch_uid="page-cache-m2m")
    post_page_move.connect(_moved, dispatch_uid="page-cache-move")


def _m2m_changed(sender, action, instance, **kwargs):
    if action.startswith("post_"):
        # A page's many-to-many field (a report's attendees) is a change to the page; from the other
        # side (a person's groups), a change to everything.
        _changed(type(instance) if isinstance(instance, Page) else sender, instance=instance)


# Rights


def _generations(request):
    """What the page's copy depends on, read once per request: ``(shared generation, key part)``. The
    key part is the nearest scope's value and the shared generation for a page within a programme or
    group, the ``all`` generation for any other (sitewide/scopes.py). One query, two when the
    programmes and groups this process knows are of an older shared generation."""
    found = getattr(request, "_page_cache_generations", None)
    if found is None:
        scope = scope_of_request(request)
        every, shared, value = content_generation.read(scope)
        if shared != kept_generation():
            scope = scope_of_request(request, shared)
            every, shared, value = content_generation.read(scope)
        part = ["scope", shared, scope, value] if scope is not None else ["all", every]
        found = request._page_cache_generations = (shared, part)
    return found


#: Per process: the tree paths closed to each set of groups, for the current shared generation only.
_CLOSED_BY_GROUPS = {"generation": None, "paths": {}}
#: How long a person's own rights are kept in the shared cache (a new shared generation replaces them).
RIGHTS_SECONDS = 600
#: At most this many sets of groups are kept (a few kilobytes each); beyond, the memo starts again.
CLOSED_BY_GROUPS_SIZE = 1024


def _closed_for(user, generation_value):
    """The private pages and restricted collections closed to ``user``: the same for everyone with the
    same groups (and superuser flag), so worked out once per process and content generation for each
    set of groups rather than on every request (four queries). Every change to a restriction, a group
    or a membership raises the shared generation."""
    memo = _CLOSED_BY_GROUPS
    if memo["generation"] != generation_value or len(memo["paths"]) >= CLOSED_BY_GROUPS_SIZE:
        memo["generation"], memo["paths"] = generation_value, {}
    key = (user.is_superuser, user_group_ids(user))
    closed = memo["paths"].get(key)
    if closed is None:
        closed = memo["paths"][key] = (
            closed_tree_paths(PageViewRestriction, user),
            closed_collection_paths(user),
        )
    return closed


def forget_kept_rights():
    """Forget what this process keeps (the tests start each from an empty database)."""
    _CLOSED_BY_GROUPS["generation"], _CLOSED_BY_GROUPS["paths"] = None, {}
    forget_scopes()
    forget_frame()


def _person(request):
    """The person's own rights (their groups, requests and grants, permissions), kept in the shared
    cache for the shared generation: a hit reads them in one cache lookup instead of four queries.
    What they hold changes only with a row that raises it (people and rights are never confined to a
    group's pages: sitewide/scopes.py), except a grant's expiry, which
    is compared with the clock each time they are read back (documents/access.py)."""
    user = request.user
    generation_value = _generations(request)[0]
    key = f"page-cache-person:{generation_value}:{user.pk}"
    person = cache.get(key)
    if person is not None:
        remember_groups(user, person["groups"])  # first: the closed paths depend on the groups
    closed_pages, closed_collections = _closed_for(user, generation_value)
    if person is None:
        access = Access.of(user, closed_collections)
        person = {
            "groups": sorted(user_group_ids(user)),
            "access": access.state(),
            "permissions": sorted(user.get_all_permissions()),
        }
        cache.set(key, person, RIGHTS_SECONDS)
    else:
        access = Access.from_state(closed_collections, person["access"])
        # Django's model backend keeps a person's permissions on the user object for the request
        # (``_perm_cache``): given here, the page's own checks (the admin link) read no table.
        user._perm_cache = set(person["permissions"])
    remember_closed(request, closed_pages)
    remember_access(user, access)
    return user.has_perm("wagtailadmin.access_admin"), access


def rights(request):
    """Everything about the person that the pages depend on, as a list (memoised per request)."""
    cached = getattr(request, "_page_cache_rights", None)
    if cached is not None:
        return cached

    user = request.user
    admin_user, access = _person(request)
    cached = [
        user.is_superuser,
        user.pk if admin_user else None,  # the user bar and the admin link are personal
        sorted(closed_paths(request)),
        sorted(access.closed_paths or []),
        sorted(access.granted_ids),
        sorted(access.granted_paths),
        sorted(user_group_ids(user)),
        sorted([str(d), str(g), c.isoformat()] for d, g, c in access.pending),
    ]
    request._page_cache_rights = cached
    return cached


def keep_frame(request):
    """Before a member page is rendered: the site and its root page kept for the shared generation the
    request read, and the store its menu is kept in (sitewide/frame.py)."""
    keep_site(request, _generations(request)[0])


def cache_key(request):
    parts = [
        _generations(request)[1],
        getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
        request.get_host(),
        request.get_full_path(),
        rights(request),
    ]
    digest = hashlib.sha256(json.dumps(parts).encode()).hexdigest()  # plain JSON values only
    return f"page-cache:{digest}"


# The middleware


def _has_messages(request):
    return len(get_messages(request)) > 0  # counting does not mark them as read


class PageCacheMiddleware:
    """Serves member pages from the cache and stores them (see the module's docstring).

    Last in MIDDLEWARE: login, admin guards and login protection have run before it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def _cacheable_request(self, request):
        match = request.resolver_match
        return (
            request.method == "GET"
            and match is not None
            and match.url_name in CACHED_VIEWS
            and request.user.is_authenticated
            and not _has_messages(request)
        )

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not self._cacheable_request(request):
            return None
        # The person's rights, kept per shared generation, serve the page's own checks too: read here,
        # a page rendered afresh (a miss, or the page cache turned off) does not read them again.
        rights(request)
        if settings.PAGE_CACHE_SECONDS > 0:
            request._page_cache_key = cache_key(request)
            stored = cache.get(request._page_cache_key)
            if stored is not None:
                return self._stored_response(request, stored)
        keep_frame(request)
        return None

    @staticmethod
    def _stored_response(request, stored):
        content_type, body, *disposition = stored
        response = HttpResponse(body, content_type=content_type)
        if disposition and disposition[0]:
            response["Content-Disposition"] = disposition[0]
        response["X-Page-Cache"] = "hit"
        request._page_cache_hit = True
        return response

    def __call__(self, request):
        response = self.get_response(request)
        key = getattr(request, "_page_cache_key", None)
        if key and not getattr(request, "_page_cache_hit", False) and self._storable(request, response):
            body = response.content
            if response["Content-Type"].startswith("text/html"):
                body = CSRF_INPUT.sub(rb"\1" + CSRF_SLOT + rb"\2", body)
            stored = (response["Content-Type"], body, response.get("Content-Disposition", ""))
            cache.set(key, stored, settings.PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return fill_slots(request, response)

    @staticmethod
    def _storable(request, response):
        cache_control = response.get("Cache-Control", "")
        session = getattr(request, "session", None)
        return (
            response.status_code == 200
            and not response.streaming
            and response.get("Content-Type", "").startswith(STORED_TYPES)
            and "no-store" not in cache_control
            and not (session is not None and session.modified)
            and not response.cookies
        )


def fill_slots(request, response):
    """Put the person's name, CSRF token and personal bits (notifications/personal.py: unread count,
    follow buttons, "new" marks; meetings/personal.py: answers to meetings) where the stored page has
    placeholders."""
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return response
    content = response.content
    if b"<!--intranet:" not in content:
        return response
    content = personal.fill(request, content)
    content = meeting_answers.fill(request, content)
    user = getattr(request, "user", None)
    name = ""
    if user is not None and user.is_authenticated:
        name = user.get_full_name() or user.get_username()
    content = content.replace(USER_NAME_SLOT, escape(name).encode())
    if CSRF_SLOT in content:
        content = content.replace(CSRF_SLOT, get_token(request).encode())
    response.content = content
    return response
