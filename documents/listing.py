"""The members' library, "Documentation et ressources": the documents a person may open, filtered.

Which documents: ``openable_documents`` (access.py), the rule that serves downloads and search,
applied in the query before anything is counted, paginated or offered as a filter. A document in
a restricted minutes collection is listed only to those who may open it; its title never reaches
anyone else, not in the list, the count, the filters or the page's title.

The filters come from the query string (the page works without JavaScript): a working group
(its page id, among the groups the person may see), a kind, a period (from, to) and words
searched in the titles and tags through Wagtail's search backend (PostgreSQL's French full-text
search in production). A value that names nothing is said in a notice and left out, never
answered with an error or silently.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.search.query import PlainText

from languages.formats import human_date
from privacy.ids import parse_id
from privacy.rules import visible_pages
from workinggroups.models import WorkingGroupPage

from .access import openable_documents
from .choices import DocumentKind
from .models import LibraryDocument

#: Letters and digits: punctuation and search syntax are dropped ("l'éthique" finds "éthique").
WORD = re.compile(r"[^\W_]+")
#: Dates outside these years are typing mistakes (and beyond what the database's dates hold).
YEARS = range(1900, 2200)
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
PER_PAGE = 20


@dataclass
class LibraryFilters:
    """What the person asked for, once checked; ``notices`` say what was left out and why."""

    query: str = ""
    words: list = field(default_factory=list)
    group: object = None
    kind: str = ""
    start: datetime.date | None = None
    end: datetime.date | None = None
    notices: list = field(default_factory=list)

    @property
    def any(self):
        return bool(self.words or self.group or self.kind or self.start or self.end)


def library_groups(request):
    """The working groups a person may see, for the group filter (their titles are no secret)."""
    return list(visible_pages(request, WorkingGroupPage.objects.all()).order_by("path"))


def _parse_date(raw):
    for date_format in DATE_FORMATS:
        try:
            value = datetime.datetime.strptime(raw, date_format).date()
        except ValueError:
            continue
        return value if value.year in YEARS else None
    return None


def read_filters(params, groups):
    """The filters of the query string ``params``, checked against ``groups`` (those one may see)."""
    filters = LibraryFilters()
    raw = (params.get("q") or "").strip()[: settings.SEARCH_MAX_QUERY_LENGTH]
    filters.query = raw
    if raw:
        filters.words = WORD.findall(raw)
        if not filters.words:
            filters.notices.append(
                _("Votre recherche ne contient aucun mot : essayez avec des lettres ou des chiffres.")
            )
        elif len(filters.words) > settings.SEARCH_MAX_TERMS:
            filters.words = filters.words[: settings.SEARCH_MAX_TERMS]
            filters.notices.append(
                _("Votre recherche contient trop de mots : %(max)d au plus.")
                % {"max": settings.SEARCH_MAX_TERMS}
            )
    if params.get("groupe"):
        # The same answer for an id that exists nowhere and for a group one may not see.
        group_id = parse_id(params["groupe"])
        filters.group = next((group for group in groups if group.pk == group_id), None)
        if filters.group is None:
            filters.notices.append(_("Le filtre de groupe ne correspond à aucun groupe visible."))
    if kind := params.get("type"):
        if kind in DocumentKind.values:
            filters.kind = kind
        else:
            filters.notices.append(_("Ce type de document n'existe pas : tous les types sont affichés."))
    for name in ("du", "au"):
        raw_date = (params.get(name) or "").strip()
        if not raw_date:
            continue
        value = _parse_date(raw_date)
        if value is None:
            filters.notices.append(
                _("La date « %(date)s » n'est pas une date valide : elle n'est pas prise en compte.")
                % {"date": raw_date[:40]}
            )
        setattr(filters, "start" if name == "du" else "end", value)
    if filters.start and filters.end and filters.start > filters.end:
        filters.start, filters.end = filters.end, filters.start
        filters.notices.append(_("La période finissait avant de commencer : ses deux dates sont inversées."))
    return filters


def _day_start(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _dated_from(day):
    """Dated on or after ``day``: the meeting's date for minutes, the upload date for the others."""
    return Q(meeting_date__gte=day) | Q(meeting_date__isnull=True, created_at__gte=_day_start(day))


def _dated_until(day):
    following = day + datetime.timedelta(days=1)
    return Q(meeting_date__lte=day) | Q(meeting_date__isnull=True, created_at__lt=_day_start(following))


def library_documents(user, filters):
    """The documents ``user`` may open that pass ``filters``, newest first, in one query.

    Every condition is on a field the search backend filters on (``LibraryDocument.search_fields``),
    so that the words are searched within the same narrowed set.
    """
    documents = openable_documents(user, LibraryDocument.objects.all())
    if filters.group is not None:
        documents = documents.filter(working_group_id=filters.group.pk)
    if filters.kind:
        documents = documents.filter(kind=filters.kind)
    if filters.start:
        documents = documents.filter(_dated_from(filters.start))
    if filters.end:
        documents = documents.filter(_dated_until(filters.end))
    documents = documents.select_related("collection").order_by(
        Coalesce("meeting_date", TruncDate("created_at")).desc(), "-id"
    )
    if filters.words:
        return documents.search(PlainText(" ".join(filters.words), operator="and"), order_by_relevance=False)
    return documents


def describe(documents, groups):
    """Each document with ``shown_group``: its working group when the person may see that group's
    page, else nothing (the collection's name is shown instead)."""
    visible = {group.pk: group for group in groups}
    for document in documents:
        document.shown_group = visible.get(document.working_group_id)
    return documents


def title_details(filters, page_obj):
    """What tells a filtered or later page of the library from the first, for its <title>: the
    person's own choices only (a group, a kind, a period, their words), never a document's title."""
    details = [str(filters.group.title)] if filters.group else []
    if filters.kind:
        details.append(str(DocumentKind(filters.kind).label))
    if filters.start and filters.end:
        details.append(
            _("du %(start)s au %(end)s")
            % {"start": human_date(filters.start), "end": human_date(filters.end)}
        )
    elif filters.start:
        details.append(_("depuis le %(start)s") % {"start": human_date(filters.start)})
    elif filters.end:
        details.append(_("jusqu'au %(date)s") % {"date": human_date(filters.end)})
    if filters.words:
        details.append(_("Recherche : %(query)s") % {"query": filters.query})
    if page_obj.number > 1:
        details.append(
            _("page %(number)s sur %(total)s")
            % {"number": page_obj.number, "total": page_obj.paginator.num_pages}
        )
    return ", ".join(details)
