"""Private calendars (iCalendar feeds) of meetings, at secret addresses, and the .ics of one meeting.

A calendar application subscribes to an address that holds a person's secret key: the same key as
their Atom feeds (notifications.models.FeedToken), so "Changer l'adresse secrète" on their choices
page revokes these addresses too. As with the feeds (notifications/feeds.py), each fetch reads the
key owner's rights again: a group page made private or unpublished since the last fetch drops its
meetings from the next one. A key that is unknown or replaced, an inactive owner, an id that is not
one, a page of the wrong kind or one the owner may not open all get the same 404.

Three calendars: a working group's, a programme's (its groups'), and the person's own (the groups they
follow, a programme's follow covering its groups, as notifications.follows counts them). Each lists
the meetings that ended less than ``HISTORY`` ago and every later one, in a fixed number of queries.
"""

import datetime

from django.contrib.auth.decorators import login_not_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.http import require_safe
from wagtail.models import PageViewRestriction

from languages.i18n import language_for
from notifications.feeds import absolute, not_found, owner_of, private
from notifications.follows import followed_pages
from notifications.models import FeedToken
from privacy.ids import parse_id
from privacy.rules import closed_tree_paths, live_and_open
from workinggroups.models import ProgrammePage, WorkingGroupPage

from .ical import CONTENT_TYPE, PUBLISH, calendar_of
from .models import Meeting
from .rules import open_groups, visible_meetings

#: How far back a calendar goes: the past year's meetings, and a little more.
HISTORY = datetime.timedelta(days=400)


def calendar_addresses(user, groups):
    """``[{"title", "url"}]``: ``user``'s own calendar, then each of ``groups``' (working group or
    programme pages). Their key is made the first time the addresses are shown, as for the feeds."""
    token, _created = FeedToken.objects.get_or_create(user=user)
    addresses = [
        {
            "title": gettext("Vos réunions"),
            "url": absolute(reverse("meetings:my_calendar", args=[token.key])),
        }
    ]
    for page in groups:
        if isinstance(page, ProgrammePage):
            route = "meetings:programme_calendar"
            title = gettext("Réunions des groupes de « %(title)s »") % {"title": page.title}
        else:
            route = "meetings:group_calendar"
            title = gettext("Réunions de « %(title)s »") % {"title": page.title}
        addresses.append({"title": title, "url": absolute(reverse(route, args=[token.key, page.pk]))})
    return addresses


# The views


@login_not_required  # a calendar application has no session: the key in the address is the person
@require_safe
def group_calendar(request, key, group_id):
    return _serve_page(key, group_id, WorkingGroupPage)


@login_not_required  # a calendar application has no session: the key in the address is the person
@require_safe
def programme_calendar(request, key, programme_id):
    return _serve_page(key, programme_id, ProgrammePage)


@login_not_required  # a calendar application has no session: the key in the address is the person
@require_safe
def my_calendar(request, key):
    """The meetings of the groups the key's owner follows, or follows through their programme."""
    owner = owner_of(key)
    if owner is None:
        return not_found()
    closed = closed_tree_paths(PageViewRestriction, owner)
    followed = [page for page, _default in followed_pages(owner)]
    wanted = Q(pk__in=[page.pk for page in followed if isinstance(page, WorkingGroupPage)])
    for programme in (page for page in followed if isinstance(page, ProgrammePage)):
        wanted |= Q(path__startswith=programme.path)
    groups = open_groups(closed).filter(wanted)
    with translation.override(language_for(owner)):
        return _calendar(groups, gettext("Mes réunions"))


@require_safe
def meeting_ics(request, meeting_id):
    """One meeting's .ics, to add it to a calendar by hand: for whoever may see the meeting."""
    pk = parse_id(meeting_id)
    meeting = visible_meetings(request).select_related("group").filter(pk=pk).first() if pk else None
    if meeting is None:
        raise Http404
    response = HttpResponse(calendar_of([meeting], meeting.title, method=PUBLISH), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="reunion-{meeting.pk}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


def _serve_page(key, page_id, model):
    owner, pk = owner_of(key), parse_id(page_id)
    if owner is None or pk is None:
        return not_found()
    closed = closed_tree_paths(PageViewRestriction, owner)
    page = live_and_open(model.objects.filter(pk=pk), closed).first()
    if page is None:
        return not_found()
    groups = open_groups(closed)
    with translation.override(language_for(owner)):
        if model is WorkingGroupPage:
            name = gettext("Réunions de « %(title)s »") % {"title": page.title}
            return _calendar(groups.filter(pk=page.pk), name)
        name = gettext("Réunions des groupes de « %(title)s »") % {"title": page.title}
        return _calendar(groups.descendant_of(page), name)


def _calendar(groups, name):
    """The calendar of ``groups``' meetings (a queryset of the group pages the owner may open): one
    query for the meetings, whatever their number."""
    meetings = (
        Meeting.objects.filter(group__in=groups.values("pk"), end__gte=timezone.now() - HISTORY)
        .select_related("group")
        .order_by("start", "pk")
    )
    response = HttpResponse(calendar_of(meetings, name), content_type=CONTENT_TYPE)
    response["Content-Language"] = translation.get_language()
    return private(response)
