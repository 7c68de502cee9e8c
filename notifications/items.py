"""What a notification says, read from its objects now, in the active language."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext

from .choices import Kind


def _absolute(path):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def describe(event):
    """``{"kind", "title", "url", "detail", "when"}`` for ``event`` (its page reloaded as it is now)."""
    kind = Kind(event.kind)
    page = event.page.specific_deferred if event.page is not None else None
    title, url, detail = "", "", ""
    if kind in (Kind.REPORT, Kind.RECOMMENDATION, Kind.POSITION, Kind.ASSEMBLY, Kind.FOLLOW_UP):
        title = page.title
        url = page.url or ""
        if kind in (Kind.REPORT, Kind.RECOMMENDATION):
            detail = gettext("Publié par le groupe « %(group)s ».") % {"group": _parent_title(page)}
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


def _parent_title(page):
    """The group's title: read with the page by audience.pages_as_they_are, else asked for."""
    title = getattr(page, "parent_title", None)
    return title if title is not None else page.get_parent().title


def _shorten(text, limit=280):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
