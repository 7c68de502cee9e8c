"""Who may see what an event is about, checked when it is sent (not when it happened): a report
unpublished or made private in between reaches nobody it would no longer show to.

For many people at once (a digest run, a programme's followers), in a fixed number of queries."""

from django.db.models import Q
from wagtail.models import CollectionViewRestriction, Page, PageViewRestriction

from documents.access import access_for, user_can_open
from privacy.rules import closed_tree_paths_for, path_is_open, under_any

from .choices import Kind

#: Events about a page the person follows: told only while they may open it.
FOLLOWED_PAGE_KINDS = (Kind.REPORT, Kind.RECOMMENDATION, Kind.POSITION, Kind.ASSEMBLY, Kind.FOLLOW_UP)


class Audience:
    """The rights of a batch of people, read once for the batch."""

    def __init__(self, users):
        self.users = list(users)
        self._pages = None
        self._collections = None

    def _closed_pages(self, user):
        if self._pages is None:
            self._pages = closed_tree_paths_for(PageViewRestriction, self.users)
        return self._pages[user.pk]

    def _closed_collections(self, user):
        if self._collections is None:
            self._collections = closed_tree_paths_for(CollectionViewRestriction, self.users)
        return self._collections[user.pk]

    def may_see(self, user, event):
        """Whether ``user`` may be told of ``event`` now. ``event.page`` (and document) as they are now."""
        if not user.is_active:
            return False
        if event.recipient_id is not None and event.recipient_id != user.pk:
            return False
        if event.kind == Kind.ACCESS:
            return event.access_request_id is not None
        if event.kind == Kind.MINUTES:
            document = event.document
            return document is not None and (
                path_is_open(document.collection.path, self._closed_collections(user))
                or user_can_open(user, document)
            )
        page = event.page
        if page is None:
            return False
        if event.kind == Kind.MODERATION:
            return True  # their own page, published or not: they wrote it
        return page.live and path_is_open(page.path, self._closed_pages(user))


def pages_as_they_are(events):
    """Reload the events' pages (live, path) so that checks see the latest state, each with the title
    of its parent (``parent_title``: a report's group): a query per page type, and one for parents."""
    ids = {event.page_id for event in events if event.page_id}
    pages = {page.pk: page for page in Page.objects.filter(pk__in=ids).specific()}
    parent_paths = {page.path[: -Page.steplen] for page in pages.values() if page.depth > 1}
    parents = dict(Page.objects.filter(path__in=parent_paths).values_list("path", "title"))
    for page in pages.values():
        page.parent_title = parents.get(page.path[: -Page.steplen], "")
    for event in events:
        if event.page_id:
            event.page = pages.get(event.page_id)
    return events


def visible(user, closed_pages):
    """The same rule as ``Audience.may_see``, as a filter on a person's notifications (``closed_pages``:
    the tree paths of the pages they may not open), so that lists paginate and count only what the
    person may still see."""
    page_open = Q(event__page__live=True)
    if closed_pages:
        page_open &= ~under_any("event__page__path", closed_pages)
    return (
        Q(kind__in=[Kind.REPORT, Kind.RECOMMENDATION, Kind.POSITION, Kind.ASSEMBLY, Kind.FOLLOW_UP])
        & page_open
        | Q(kind=Kind.MODERATION, event__page__isnull=False)
        | Q(kind=Kind.ACCESS, event__access_request__isnull=False)
        | Q(kind=Kind.MINUTES) & _minutes_open(user)
    )


def _minutes_open(user):
    """The minutes ``user`` may open, as a filter on notifications: the rule of documents/access.py
    from what it already read for this request (no query of its own: the header's unread count pays it
    on every page)."""
    access = access_for(user)
    if access.closed_paths is None:
        return Q(pk__in=[])
    if not access.closed_paths:
        return Q()  # every collection open: nothing to add (an empty Q OR'd with grants would narrow it)
    # A notification whose document is gone (its path NULL) is not closed by a collection: NULL IN (…)
    # is unknown, and NOT unknown would hide it, where the rule of LIKE clauses showed it.
    path = "event__document__collection__path"
    opened = Q(**{f"{path}__isnull": True}) | ~under_any(path, access.closed_paths)
    if access.granted_paths:
        opened |= under_any("event__document__collection__path", access.granted_paths)
    if access.granted_ids:
        opened |= Q(event__document_id__in=access.granted_ids)
    return opened
