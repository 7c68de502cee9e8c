"""Private Atom feeds: a working group's reports and recommendations, and a programme's tracker of
recommendations with the three facts, at addresses that hold a person's secret key (``FeedToken``).

A feed reader fetches them without a session, so the key stands for the person: each fetch reads
their rights again (privacy.rules, with the key's owner, not whoever the request says), so that a
page unpublished or made private since the last fetch is gone from the next one. A key that is
unknown or replaced, an inactive owner, an id that is not one, a page of the wrong kind or one the
owner may not open all get the same 404, which says nothing of which it was.

The feeds are views of their own, outside the page cache (it keeps only Wagtail's pages and search),
and answer ``no-store``: a copy kept anywhere would outlive a revoked key or a closed page.
"""

import datetime
import html
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.syndication.views import Feed
from django.db.models import F
from django.db.models.functions import Coalesce, Greatest
from django.http import HttpResponseNotFound
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, strip_tags
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.views.decorators.http import require_safe
from wagtail.models import PageViewRestriction

from languages.formats import human_date
from languages.i18n import language_for
from privacy.ids import parse_id
from privacy.rules import closed_tree_paths, live_and_open
from workinggroups.models import Fact, MeetingReportPage, ProgrammePage, RecommendationPage, WorkingGroupPage
from workinggroups.tree import attach_working_groups

from .audience import pages_as_they_are, visible
from .items import describe
from .models import FeedToken, Notification

#: The newest entries a feed lists: enough for a reader that fetches once a day, small enough to build
#: on every fetch.
LIMIT = 50
#: What a key may look like before it is looked up (``new_feed_key`` makes 43 of these characters):
#: anything else, a NUL byte that PostgreSQL refuses included, is not found without a query.
KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")
#: The year in the entries' tag URIs (RFC 4151): when the intranet's address was the cooperative's.
TAG_YEAR = "2017"
SUMMARY_LENGTH = 280


def owner_of(key):
    """The active person whose feeds ``key`` opens (their profile loaded, for their language), or None."""
    if not isinstance(key, str) or not KEY.fullmatch(key):
        return None
    token = (
        FeedToken.objects.filter(key=key, user__is_active=True)
        .select_related("user__wagtail_userprofile")
        .first()
    )
    return token.user if token is not None else None


#: The pages that have a feed, and its route.
FEED_ROUTES = {ProgrammePage: "notifications:programme_feed", WorkingGroupPage: "notifications:group_feed"}


def feeds_of(user, pages):
    """``[{"page", "title", "url"}]``: ``user``'s feed addresses: their notifications', then those of
    ``pages`` (specific pages they may open) that have a feed. Their key is made the first time the
    addresses are shown: nobody who never looked has one that works."""
    pages = [page for page in pages if type(page) in FEED_ROUTES]
    token, _created = FeedToken.objects.get_or_create(user=user)
    feeds = [
        {
            "page": None,
            "title": gettext("Vos notifications"),
            "url": absolute(reverse("notifications:notifications_feed", args=[token.key])),
        }
    ]
    for page in pages:
        if isinstance(page, ProgrammePage):
            title = gettext("Recommandations de « %(title)s »") % {"title": page.title}
        else:
            title = gettext("Comptes rendus et recommandations de « %(title)s »") % {"title": page.title}
        url = absolute(reverse(FEED_ROUTES[type(page)], args=[token.key, page.pk]))
        feeds.append({"page": page, "title": title, "url": url})
    return feeds


# The views


@login_not_required  # a feed reader has no session: the key in the address is the person
@require_safe
def group_feed(request, key, group_id):
    return _serve(request, key, group_id, WorkingGroupPage, GroupFeed)


@login_not_required  # a feed reader has no session: the key in the address is the person
@require_safe
def programme_feed(request, key, programme_id):
    return _serve(request, key, programme_id, ProgrammePage, ProgrammeFeed)


@login_not_required  # a feed reader has no session: the key in the address is the person
@require_safe
def notifications_feed(request, key):
    """The person's own notifications (the notifications page's list, newest first)."""
    owner = owner_of(key)
    if owner is None:
        return not_found()
    closed = closed_tree_paths(PageViewRestriction, owner)
    with translation.override(language_for(owner)):
        response = NotificationsFeed(request, closed)(request, page=owner)
        response["Content-Language"] = translation.get_language()
    del response["Last-Modified"]
    return private(response)


def _serve(request, key, page_id, model, feed_class):
    owner, pk = owner_of(key), parse_id(page_id)
    if owner is None or pk is None:
        return not_found()
    closed = closed_tree_paths(PageViewRestriction, owner)
    page = live_and_open(model.objects.filter(pk=pk), closed).first()
    if page is None:
        return not_found()
    with translation.override(language_for(owner)):
        response = feed_class(request, closed)(request, page=page)
        response["Content-Language"] = translation.get_language()
    # The newest entry's date: an entry unpublished or closed since does not move it, and a cache or a
    # reader answered "not modified" would keep what the feed no longer lists.
    del response["Last-Modified"]
    return private(response)


def not_found():
    """One answer for every refusal: the same body, whatever was wrong, in the request's language."""
    return private(
        HttpResponseNotFound(
            gettext("Ce flux n'existe pas ou son adresse a changé."), content_type="text/plain; charset=utf-8"
        )
    )


def private(response):
    # The address is the secret: no shared cache keeps the answer, no link followed from a feed
    # reader's preview (or a calendar's event) tells the next site where it came from.
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


# The entries


@dataclass(frozen=True)
class Entry:
    page_id: int
    title: str
    link: str
    summary: str
    published: datetime.datetime | None
    updated: datetime.datetime | None


def absolute(path):
    """``path`` on the intranet's own address (WAGTAILADMIN_BASE_URL), never the Host a request names."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _page_link(page, request):
    url = page.get_url(request) or "/"
    return url if url.startswith(("http://", "https://")) else absolute(url)


def _excerpt(rich_text, limit=SUMMARY_LENGTH):
    """Rich text as a short line of plain text (its tags and links dropped)."""
    text = " ".join(html.unescape(strip_tags(rich_text or "")).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _published():
    """When a page was last published (a page made live without a revision has only the first date)."""
    return Coalesce("last_published_at", "first_published_at")


def _newest(queryset, changed):
    """The ``LIMIT`` newest of ``queryset``, ``changed`` (an expression) saying when each last changed."""
    newest_first = (F("changed_at").desc(nulls_last=True), "-pk")
    return queryset.annotate(changed_at=changed).order_by(*newest_first)[:LIMIT]


def reports_of(group, closed):
    """The group's newest reports its reader may open: one query."""
    return list(_newest(live_and_open(MeetingReportPage.objects.child_of(group), closed), _published()))


def recommendations_under(page, closed):
    """The newest recommendations under ``page`` (a group or a programme) its reader may open, with the
    board's record: one query. A change of position, of the assembly's outcome or of the follow-up
    makes a recommendation new again, since that is what the tracker's readers wait for."""
    published = _published()
    changed = Greatest(published, Coalesce("board_decision__updated_at", published))
    queryset = live_and_open(RecommendationPage.objects.descendant_of(page), closed)
    return list(_newest(queryset.select_related("board_decision"), changed))


def report_entry(report, request):
    """A report says what meeting it was and when, then the start of its summary."""
    when = gettext("%(kind)s, %(date)s") % {
        "kind": capfirst(report.get_kind_display()),
        "date": human_date(report.date),
    }
    return Entry(
        page_id=report.pk,
        title=report.title,
        link=_page_link(report, request),
        summary=f"{when}. {_excerpt(report.summary)}",
        published=report.first_published_at,
        updated=report.changed_at,
    )


def recommendation_entry(recommendation, request):
    """A recommendation says where it stands (the three facts, as the tracker shows them), then the
    start of its text. Its group is named in the programme's feed (``attach_working_groups``): a
    recommendation the reader may open is under a group they may open, unless that one was unpublished
    alone, and then it is not named."""
    facts = []
    group = getattr(recommendation, "working_group", None)
    if group is not None and group.live:
        facts.append(gettext("Groupe « %(group)s »") % {"group": group.title})
    decision = getattr(recommendation, "board_decision", None)
    if decision is not None:
        shown = [(Fact.POSITION, decision.board_position.label), (Fact.ASSEMBLY, decision.outcome.label)]
        if decision.to_carry_out:  # only what the assembly adopted has a follow-up
            follow_up = decision.get_follow_up_display()
            shown.append((Fact.FOLLOW_UP, f"{follow_up} ({decision.progress} %)"))
        facts += [
            gettext("%(fact)s : %(value)s") % {"fact": capfirst(fact.label), "value": value}
            for fact, value in shown
        ]
    summary = ". ".join(facts)
    text = _excerpt(recommendation.text)
    return Entry(
        page_id=recommendation.pk,
        title=gettext("Recommandation %(number)s : %(title)s")
        % {"number": recommendation.number, "title": recommendation.title},
        link=_page_link(recommendation, request),
        summary=f"{summary}. {text}" if summary else text,
        published=recommendation.first_published_at,
        updated=recommendation.changed_at,
    )


def _newest_first(entries):
    epoch = datetime.datetime.min.replace(tzinfo=datetime.UTC)
    return sorted(entries, key=lambda entry: (entry.updated or epoch, entry.page_id), reverse=True)[:LIMIT]


# The feeds


class PrivateFeed(Feed):
    """What both feeds share: Atom, one reader's rights (``closed``: the tree paths they may not open),
    the request only for the pages' addresses. The view makes one per request."""

    feed_type = Atom1Feed

    def __init__(self, request, closed):
        super().__init__()
        self.request = request
        self.closed = closed

    def get_object(self, request, page):
        return page

    def link(self, page):
        return _page_link(page, self.request)

    def feed_guid(self, page):
        return self.tag(f"{self.kind}/{page.pk}")

    @staticmethod
    def tag(specific):
        """A tag URI (RFC 4151) that stays the same when a page is renamed or moved."""
        host = urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "localhost"
        return f"tag:{host},{TAG_YEAR}:{specific}"

    def item_title(self, entry):
        return entry.title

    def item_link(self, entry):
        return entry.link

    def item_description(self, entry):
        return escape(entry.summary)  # Atom's <summary type="html">: the text as text

    def item_guid(self, entry):
        return self.tag(f"page/{entry.page_id}")

    def item_pubdate(self, entry):
        return entry.published

    def item_updateddate(self, entry):
        return entry.updated


class GroupFeed(PrivateFeed):
    kind = "groupe"

    def title(self, group):
        return gettext("« %(title)s » : comptes rendus et recommandations") % {"title": group.title}

    def subtitle(self, group):
        return group.mission

    def items(self, group):
        reports = [report_entry(report, self.request) for report in reports_of(group, self.closed)]
        recommendations = [
            recommendation_entry(recommendation, self.request)
            for recommendation in recommendations_under(group, self.closed)
        ]
        return _newest_first(reports + recommendations)


class ProgrammeFeed(PrivateFeed):
    kind = "programme"

    def title(self, programme):
        return gettext("« %(title)s » : suivi des recommandations") % {"title": programme.title}

    def subtitle(self, programme):
        return gettext("La position du Conseil, la décision de l'assemblée générale et le suivi.")

    def link(self, programme):
        return _page_link(programme, self.request) + programme.reverse_subpage("tracker")

    def items(self, programme):
        recommendations = attach_working_groups(recommendations_under(programme, self.closed))
        return [recommendation_entry(recommendation, self.request) for recommendation in recommendations]


class NotificationsFeed(PrivateFeed):
    """A person's notifications, checked against what they may see now, as on their notifications page
    (audience.visible); their read marks are theirs to set on the page, not the feed reader's."""

    kind = "notifications"

    def get_object(self, request, page):
        return page  # the owner

    def title(self, owner):
        return gettext("Vos notifications")

    def link(self, owner):
        return absolute(reverse("notifications:list"))

    def feed_guid(self, owner):
        return self.tag(f"{self.kind}/{owner.pk}")

    def items(self, owner):
        notifications = list(
            Notification.objects.filter(user=owner)
            .filter(visible(owner, self.closed))
            .select_related(
                "event__document__collection",
                "event__access_request__working_group",
                "event__access_request__document",
                "event__decision_change",
            )[:LIMIT]
        )
        pages_as_they_are([notification.event for notification in notifications])
        entries = []
        for notification in notifications:
            item = describe(notification.event)
            entries.append(
                Entry(
                    page_id=notification.pk,
                    title=gettext("%(kind)s : %(title)s")
                    % {"kind": capfirst(item["kind"]), "title": item["title"]},
                    link=item["url"] or self.link(owner),
                    summary=item["detail"],
                    published=notification.created_at,
                    updated=notification.created_at,
                )
            )
        return entries

    def item_guid(self, entry):
        return self.tag(f"notification/{entry.page_id}")
