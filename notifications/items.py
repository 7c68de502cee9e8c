"""What a notification says, read from its objects now, in the active language."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext
from wagtail.models import Page

from .choices import Kind


def _absolute(path):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def parents(events):
    """``{page id: its parent}`` for the events' pages, in one query: what ``describe`` names a report
    or a recommendation by (its group), read once for a digest run's batch instead of once an event."""
    pages = [event.page for event in events if event.page is not None and event.page.depth > 1]
    paths = {page.path[: -Page.steplen] for page in pages}
    by_path = {parent.path: parent for parent in Page.objects.filter(path__in=paths)}
    return {page.pk: by_path.get(page.path[: -Page.steplen]) for page in pages}


def describe(event, parent=None):
    """``{"kind", "title", "url", "detail", "when"}`` for ``event`` (its page reloaded as it is now).
    ``parent``: its page's parent when the caller read it already (``parents``), else read here."""
    kind = Kind(event.kind)
    page = event.page.specific if event.page is not None else None
    title, url, detail = "", "", ""
    if kind in (Kind.REPORT, Kind.RECOMMENDATION, Kind.POSITION, Kind.ASSEMBLY, Kind.FOLLOW_UP):
        title = page.title
        url = page.url or ""
        if kind in (Kind.REPORT, Kind.RECOMMENDATION):
            group = parent or page.get_parent()
            detail = gettext("Publié par le groupe « %(group)s ».") % {"group": group.title}
        change = event.decision_change
        if change is not None:
            detail = change.to_label
            if change.progress is not None:
                detail += f" ({change.progress} %)"
            if change.note:
                detail += " — " + _shorten(change.note)
    elif kind == Kind.MINUTES:
        document = event.document
        title = document.title
        url = reverse("documents:library") + f"?groupe={document.working_group_id or ''}"
        if page is not None:
            detail = gettext("Ajouté aux procès-verbaux du groupe « %(group)s ».") % {"group": page.title}
    elif kind == Kind.ACCESS:
        access_request = event.access_request
        title = access_request.requester_label
        url = reverse("documents:my_requests")
        detail = access_request.current_status.label
    elif kind == Kind.MODERATION:
        title = page.get_admin_display_title() if page is not None else ""
        url = reverse("wagtailadmin_pages:edit", args=[page.pk]) if page is not None else ""
        if event.data.get("outcome") == "approved":
            detail = gettext("Approuvée et publiée.")
        else:
            detail = gettext("Renvoyée pour modification.")
        if event.data.get("comment"):
            detail += " — " + _shorten(event.data["comment"])
    return {
        "kind": kind.label,
        "title": title,
        "url": _absolute(url) if url else "",
        "path": url,
        "detail": detail,
        "when": event.created_at,
    }


def _shorten(text, limit=280):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
