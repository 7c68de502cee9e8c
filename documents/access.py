"""Who may open which document: collection view restrictions, plus granted access requests.

Only the minutes collections are restricted (to their group's Django group and the board).
A granted, unexpired access request opens one document, or every document in the group's
minutes collection. The same rules serve downloads, filter listings and choosers, and
(later) search, always as a query filter, never as a loop over documents.
"""

from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from wagtail.models import Collection, CollectionViewRestriction

from privacy.rules import closed_collection_paths

from .models import AccessRequest, LibraryDocument

_CACHE_ATTR = "_document_access_cache"


def _restriction_rows():
    """(id, collection path, type) of every collection view restriction: one small query."""
    return list(CollectionViewRestriction.objects.values_list("pk", "collection__path", "restriction_type"))


def _is_under(path, prefixes):
    """Whether ``path`` is one of ``prefixes`` or below one (tree paths grow by Collection.steplen)."""
    step = Collection.steplen
    return any(path[:length] in prefixes for length in range(step, len(path) + 1, step))


def _requests(user):
    """The user's pending and granted requests, in one query: (status, document, group, created, expires)."""
    return list(
        AccessRequest.objects.filter(
            requester=user, status__in=[AccessRequest.Status.PENDING, AccessRequest.Status.GRANTED]
        ).values_list("status", "document_id", "working_group_id", "created_at", "expires_at")
    )


class Access:
    """What one user may open, computed once per request (a few small queries at most).

    ``pending`` lists the user's requests still waiting for an answer, as
    (document id, group id, created at): the pages show them, so the page cache keys on them.

    What it reads can be kept (``state()``) and read back (``from_state()``) for as long as nothing
    it depends on changes (sitewide/page_cache.py keeps it per shared generation): a grant's expiry
    is compared with the time when it is read back, not when it was kept.
    """

    def __init__(self, closed, state):
        """``closed``: the restricted collections' paths closed to the person (None: not logged in);
        ``state``: their requests, as ``_read`` gives them. ``Access.of(user)`` reads both."""
        self._state = state
        self.closed_paths = closed
        self.granted_ids, self.granted_paths, self.pending = set(), [], []
        now = timezone.now()
        granted_groups = set()
        for status, document_id, group_id, created_at, expires_at in state["requests"]:
            if status == AccessRequest.Status.PENDING:
                self.pending.append((document_id, group_id, datetime.fromisoformat(created_at)))
            elif expires_at and datetime.fromisoformat(expires_at) > now:  # granted and not yet expired
                if document_id:
                    self.granted_ids.add(document_id)
                elif group_id:
                    granted_groups.add(group_id)
        for group_id in sorted(granted_groups):
            self.granted_paths += state["group_paths"].get(str(group_id), [])

    @classmethod
    def of(cls, user, closed=None):
        """What ``user`` may open, read from the database (``closed``: their closed collections, when
        already known)."""
        if closed is None:
            closed = closed_collection_paths(user) if user.is_authenticated else None
        return cls(closed, cls._read(user, closed))

    @staticmethod
    def _read(user, closed):
        """The person's requests (pending and granted) and the minutes collections of the groups they
        were granted, expired or not (the expiry is compared when used): two queries at most."""
        state = {"requests": [], "group_paths": {}}
        if not closed:  # nothing closed (a superuser) or not logged in: no request opens more
            return state
        state["requests"] = [
            [status, document_id, group_id, created_at.isoformat(), expires_at and expires_at.isoformat()]
            for status, document_id, group_id, created_at, expires_at in _requests(user)
        ]
        granted_groups = {
            group_id
            for status, _d, group_id, _c, _e in state["requests"]
            if status != AccessRequest.Status.PENDING
        }
        if granted_groups:
            for group_id, path in Collection.objects.filter(
                minutes_of__working_group_id__in=granted_groups
            ).values_list("minutes_of__working_group_id", "path"):
                state["group_paths"].setdefault(str(group_id), []).append(path)
        return state

    def state(self):
        """The person's own part of what was read, as plain JSON values (sitewide/page_cache.py keeps it
        per shared generation); the closed collections are the same for everyone in the same groups."""
        return self._state

    @classmethod
    def from_state(cls, closed, state):
        """An ``Access`` from ``closed`` (``closed_collection_paths``) and a ``state()``, without a query."""
        return cls(closed, state)

    def is_unrestricted(self):
        """True when nothing is closed to this person (a superuser): every document opens."""
        return self.closed_paths == []

    def path_is_open(self, path):
        if self.closed_paths is None:
            return False
        closed = any(path.startswith(prefix) for prefix in self.closed_paths)
        return not closed or any(path.startswith(prefix) for prefix in self.granted_paths)

    def open_collection_ids(self):
        """Collections whose every document ``user`` may open (a grant on a whole group included).

        Worked out from the tree paths of the few hundred collections, rather than with one
        ``LIKE`` condition per restricted collection in SQL.
        """
        closed, granted = set(self.closed_paths), set(self.granted_paths)
        return [
            pk
            for pk, path in Collection.objects.values_list("pk", "path")
            if not _is_under(path, closed) or _is_under(path, granted)
        ]


def remember_access(user, access):
    """Use ``access`` (an ``Access`` read back from its state) for ``user`` for the rest of the request."""
    setattr(user, _CACHE_ATTR, access)


def access_for(user):
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = Access.of(user)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def openable_documents(user, queryset=None):
    """``queryset`` (all documents by default) narrowed to what ``user`` may open, as one query.

    Written with plain ``__in`` filters on indexed fields so that it also narrows search results.
    """
    queryset = LibraryDocument.objects.all() if queryset is None else queryset
    access = access_for(user)
    if access.closed_paths is None:
        return queryset.none()
    if access.is_unrestricted():
        return queryset
    allowed = Q(collection_id__in=access.open_collection_ids())
    if access.granted_ids:
        allowed |= Q(id__in=access.granted_ids)
    return queryset.filter(allowed)


def user_can_open(user, document):
    access = access_for(user)
    return access.path_is_open(document.collection.path) or document.pk in access.granted_ids


def is_restricted(document):
    return _is_under(document.collection.path, {path for _pk, path, _kind in _restriction_rows()})


def user_can_open_group_minutes(user, group_page):
    """Whether ``user`` may open the group's whole minutes collection (member, board, or a group grant)."""
    link = getattr(group_page, "minutes_collection", None)
    if link is None:
        return False
    return access_for(user).path_is_open(link.collection.path)
