"""The personal bits of member pages, filled into every response (cached or not) for the person who
asked, never stored in the page cache: the unread count in the header, the follow buttons, and the
"new" marks on what appeared since the person's last visit.

Templates leave HTML comments where these go (``<!--intranet:unread-->``, ``<!--intranet:follow:ID:PATH-->``,
``<!--intranet:new:TIMESTAMP-->``); sitewide/page_cache.py calls ``fill`` on each HTML response."""

import logging
import re
from datetime import timedelta

from django.db import DatabaseError
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from privacy.rules import closed_paths

from .audience import visible
from .follows import following
from .models import Notification, Visit

logger = logging.getLogger(__name__)

UNREAD_SLOT = b"<!--intranet:unread-->"
FOLLOW_SLOT = re.compile(rb"<!--intranet:follow:([0-9]{1,18}):([0-9A-Z]{1,255})-->")
NEW_SLOT = re.compile(rb"<!--intranet:new:([0-9]{1,12})-->")
#: A pause longer than this ends a visit: what appeared before the next request is "new" then.
VISIT_GAP = timedelta(minutes=30)
#: last_seen is written at most this often during a visit.
SEEN_EVERY = timedelta(minutes=5)


def fill(request, content):
    """``content`` with its personal slots filled; emptied when the database cannot say (a page that
    is being served without its database, such as an error page, loses its unread count, not its
    answer)."""
    try:
        return _fill(request, content)
    except DatabaseError:
        logger.warning("Personal bits left out: the database did not answer", exc_info=True)
        content = content.replace(UNREAD_SLOT, b"")
        return FOLLOW_SLOT.sub(b"", NEW_SLOT.sub(b"", content))


def _fill(request, content):
    user = getattr(request, "user", None)
    authenticated = user is not None and user.is_authenticated
    if UNREAD_SLOT in content:
        content = content.replace(
            UNREAD_SLOT, str(_unread(visit(request).unread)).encode() if authenticated else b""
        )
    if NEW_SLOT.search(content):
        since = visit(request).since if authenticated else None
        mark = format_html('<span class="new-mark">{}</span>', _("nouveau")).encode()
        content = NEW_SLOT.sub(lambda match: _new_mark(match, since, mark), content)
    if FOLLOW_SLOT.search(content):
        paths = {int(pk): path.decode() for pk, path in FOLLOW_SLOT.findall(content)}
        state = following(user, paths) if authenticated else {}
        content = FOLLOW_SLOT.sub(lambda match: _follow_button(request, int(match.group(1)), state), content)
    return content


def _unread(count):
    if not count:
        return ""
    return render_to_string("notifications/slots/unread_count.html", {"count": count})


def visit(request):
    """The person's visit, with their unread count, in one query per request when nothing is unread, two
    when something is (and a write at most every SEEN_EVERY): ``since`` is the end of their previous
    visit (None on their first), and what is newer is new to them."""
    cached = getattr(request, "_notifications_visit", None)
    if cached is not None:
        return cached
    user = request.user
    now = timezone.now()
    current = _read_visit(user.pk)
    if current is None:
        current = Visit.objects.create(user_id=user.pk, last_seen=now, since=None)
        current.has_unread = True
    elif now - current.last_seen > VISIT_GAP:
        current.since, current.last_seen = current.last_seen, now
        Visit.objects.filter(pk=current.pk).update(since=current.since, last_seen=now)
    elif now - current.last_seen > SEEN_EVERY:
        Visit.objects.filter(pk=current.pk).update(last_seen=now)
    # Counted with the rule of what the person may still see only when something is unread at all: the
    # rule's filter is long (a clause per length of closed path) and most requests have nothing to count.
    current.unread = 0
    if current.has_unread:
        current.unread = (
            Notification.objects.filter(user_id=user.pk, read_at=None)
            .filter(visible(user, closed_paths(request)))  # what the person may still see, as on the list
            .count()
        )
    request._notifications_visit = current
    return current


def _read_visit(user_id):
    """The person's ``Visit`` with ``has_unread``, or None: written in SQL because this runs on every
    page, the cached ones included, where the ORM's building of the query (an ``Exists`` annotation)
    cost more than running it. A raw query of the model, so that its dates are converted as the ORM's."""
    visit_table, notification_table = Visit._meta.db_table, Notification._meta.db_table
    found = Visit.objects.raw(
        f"""
        SELECT v.id, v.user_id, v.last_seen, v.since,
            EXISTS(SELECT 1 FROM {notification_table} n WHERE n.user_id = v.user_id AND n.read_at IS NULL)
            AS has_unread
        FROM {visit_table} v WHERE v.user_id = %s
        """,  # noqa: S608 - table names from the models, the value a parameter
        [user_id],
    )
    current = next(iter(found), None)
    if current is not None:
        current.has_unread = bool(current.has_unread)
    return current


def _new_mark(match, since, mark):
    if since is None or int(match.group(1)) <= since.timestamp():
        return b""
    return mark


#: The follow button: written here rather than by a template, since it is filled into every cached page
#: that has one (a template's rendering cost more than the rest of such a hit).
FOLLOW_FORM = (
    '<form method="post" action="{}" class="follow-form">'
    '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
    '<input type="hidden" name="following" value="{}">'
    '<input type="hidden" name="next" value="{}">'
    '<button type="submit" class="button button--secondary">{}</button> <span class="meta">{}</span></form>'
)


def _follow_button(request, page_id, state):
    if page_id not in state:
        return b""
    following, via = state[page_id]
    if via:  # told through the group or the programme: a button would change nothing
        # The translation is the page's own text; only the title is the user's, escaped.
        told = _("Vous en êtes prévenu·e : vous suivez « %(title)s ».") % {"title": conditional_escape(via)}
        return format_html('<p class="follow-form meta">{}</p>', mark_safe(told)).encode()  # noqa: S308 - title escaped
    button = _("Ne plus suivre") if following else _("Suivre")
    if following:
        meta = _("Vous êtes prévenu·e de ce qui se passe ici.")
    else:
        meta = _("Être prévenu·e de ce qui se passe ici.")
    action = reverse("notifications:follow", args=[page_id])
    next_url = request.get_full_path()
    return format_html(
        FOLLOW_FORM, action, get_token(request), "0" if following else "1", next_url, button, meta
    ).encode()
