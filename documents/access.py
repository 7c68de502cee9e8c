"""Who may open which document: collection view restrictions, plus granted access requests.

Only the minutes collections are restricted (to their group's Django group and the board).
A granted, unexpired access request opens one document, or every document in the group's
minutes collection. The same rules serve downloads, filter listings and choosers, and
(later) search, always as a query filter, never as a loop over documents.
"""

from django.db.models import Q
from wagtail.models import Collection, CollectionViewRestriction

from .models import AccessRequest, LibraryDocument

_CACHE_ATTR = "_document_access_cache"


def _user_group_ids(user):
    return set(user.groups.values_list("pk", flat=True))


def _restrictions():
    return list(CollectionViewRestriction.objects.select_related("collection").prefetch_related("groups"))


def _passes(restriction, user, group_ids):
    if restriction.restriction_type == CollectionViewRestriction.LOGIN:
        return user.is_authenticated
    if restriction.restriction_type == CollectionViewRestriction.GROUPS:
        return any(group.pk in group_ids for group in restriction.groups.all())
    return False  # shared passwords are switched off; a leftover one opens nothing


def closed_collection_paths(user):
    """Tree paths of the restricted collections ``user`` does not pass (their descendants are closed too)."""
    if user.is_superuser:
        return []
    group_ids = _user_group_ids(user) if user.is_authenticated else set()
    return [r.collection.path for r in _restrictions() if not _passes(r, user, group_ids)]


def _under(paths):
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return condition


def _grants(user):
    """(document ids, collection paths) that active access requests open for ``user``."""
    document_ids, group_ids = set(), set()
    for document_id, group_id in (
        AccessRequest.objects.active().filter(requester=user).values_list("document_id", "working_group_id")
    ):
        if document_id:
            document_ids.add(document_id)
        elif group_id:
            group_ids.add(group_id)
    paths = list(
        Collection.objects.filter(minutes_of__working_group_id__in=group_ids).values_list("path", flat=True)
    )
    return document_ids, paths


class Access:
    """What one user may open, computed once per request (three small queries at most)."""

    def __init__(self, user):
        self.closed_paths = closed_collection_paths(user) if user.is_authenticated else None
        self.granted_ids, self.granted_paths = set(), []
        if self.closed_paths:
            self.granted_ids, self.granted_paths = _grants(user)

    @property
    def unrestricted(self):
        return self.closed_paths == []

    def path_is_open(self, path):
        if self.closed_paths is None:
            return False
        closed = any(path.startswith(prefix) for prefix in self.closed_paths)
        return not closed or any(path.startswith(prefix) for prefix in self.granted_paths)

    def open_collection_ids(self):
        """Collections whose every document ``user`` may open (a grant on a whole group included)."""
        closed = Collection.objects.filter(_under(self.closed_paths))
        if self.granted_paths:
            closed = closed.exclude(_under(self.granted_paths))
        return list(Collection.objects.exclude(pk__in=closed).values_list("pk", flat=True))


def access_for(user):
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = Access(user)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_access(user):
    """Call after changing a user's groups or grants within the same request."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def openable_documents(user, queryset=None):
    """``queryset`` (all documents by default) narrowed to what ``user`` may open, as one query.

    Written with plain ``__in`` filters on indexed fields so that it also narrows search results.
    """
    queryset = LibraryDocument.objects.all() if queryset is None else queryset
    access = access_for(user)
    if access.closed_paths is None:
        return queryset.none()
    if access.unrestricted:
        return queryset
    allowed = Q(collection_id__in=access.open_collection_ids())
    if access.granted_ids:
        allowed |= Q(id__in=access.granted_ids)
    return queryset.filter(allowed)


def user_can_open(user, document):
    access = access_for(user)
    return access.path_is_open(document.collection.path) or document.pk in access.granted_ids


def is_restricted(document):
    path = document.collection.path
    return any(path.startswith(r.collection.path) for r in _restrictions())


def user_can_open_group_minutes(user, group_page):
    """Whether ``user`` may open the group's whole minutes collection (member, board, or a group grant)."""
    link = getattr(group_page, "minutes_collection", None)
    if link is None:
        return False
    return access_for(user).path_is_open(link.collection.path)
