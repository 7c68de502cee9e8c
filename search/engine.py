"""Search over the pages and documents a person may open, with facets counted after that filter.

Everything a person may not open is removed from the querysets *before* they reach the
search backend, so results, counts, facets and pagination never include it.
"""

import re
import unicodedata
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Count, F, Lookup
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from taggit.models import Tag, TaggedItem
from wagtail.models import Page
from wagtail.search.query import PlainText

from documents.access import openable_documents
from documents.models import LibraryDocument
from languages.formats import accentless_key
from privacy.rules import visible_pages
from workinggroups.models import (
    MeetingReportPage,
    MeetingReportPageTag,
    ProgrammePage,
    RecommendationPage,
    RecommendationPageTag,
    WorkingGroupPage,
)
from workinggroups.models.listings import attach_working_groups

from .backend_internals import every_match

#: Result types, as offered in the type filter (the URL value, the label, the page model or None).
TYPES = [
    ("compte-rendu", _lazy("Comptes rendus"), MeetingReportPage),
    ("recommandation", _lazy("Recommandations"), RecommendationPage),
    ("groupe", _lazy("Groupes de travail"), WorkingGroupPage),
    ("programme", _lazy("Programmes"), ProgrammePage),
    ("document", _lazy("Documents"), None),
]
TYPE_LABELS = {key: label for key, label, _model in TYPES}
#: What one result is, shown above its title.
RESULT_LABELS = {
    "compte-rendu": _lazy("Compte rendu"),
    "recommandation": _lazy("Recommandation"),
    "groupe": _lazy("Groupe de travail"),
    "programme": _lazy("Programme"),
    "document": _lazy("Document"),
}
#: How many groups and tags the filters offer at most: those with the most results.
GROUP_FACETS = 15
TAG_FACETS = 30
WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*", re.UNICODE)


class QueryError(ValueError):
    """The query cannot be searched; the message says why, for the person searching."""


def parse_terms(raw):
    """The words of a query, without punctuation or search syntax. Raises QueryError when unusable."""
    raw = (raw or "").strip()
    if not raw:
        raise QueryError(_("Saisissez un ou plusieurs mots à rechercher."))
    if len(raw) > settings.SEARCH_MAX_QUERY_LENGTH:
        raise QueryError(
            _("Votre recherche est trop longue : %(max)d caractères au plus.")
            % {"max": settings.SEARCH_MAX_QUERY_LENGTH}
        )
    words = []
    for match in WORD.finditer(raw):
        # Elisions and hyphens split into words, as the French parser does: "l'éthique" finds "éthique".
        words.extend(part for part in re.split(r"['’-]", match.group()) if part)
    if not words:
        raise QueryError(
            _("Votre recherche ne contient aucun mot : essayez avec des lettres ou des chiffres.")
        )
    if len(words) > settings.SEARCH_MAX_TERMS:
        raise QueryError(
            _("Votre recherche contient trop de mots : %(max)d au plus.") % {"max": settings.SEARCH_MAX_TERMS}
        )
    return words


def fold(text):
    """Lower case without accents, to compare words the way the search does."""
    normalised = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in normalised if not unicodedata.combining(ch))


@dataclass
class Facet:
    key: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Result:
    kind: str
    title: str
    url: str
    group: object = None
    date: object = None
    text: str = ""
    score: float = 0.0


@dataclass
class SearchOutcome:
    results: list = field(default_factory=list)
    total: int = 0
    type_facets: list = field(default_factory=list)
    group_facets: list = field(default_factory=list)
    tag_facets: list = field(default_factory=list)


@contextmanager
def _bitmap_scans():
    """On PostgreSQL, full-text matches through the GIN index rather than a scan by content type.

    The planner prices ``(title || body) @@ query`` as cheap and prefers walking the index
    entries of the searched content types, evaluating the expression on each (some 30 ms on
    25,000 pages); through the GIN index on that expression (search/migrations/0002) only the
    matching rows are read (about 10 ms). Plain index scans are switched off for the queries
    inside this block only, and the setting is put back.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT previous, set_config('enable_indexscan', 'off', true) "
            "FROM (SELECT current_setting('enable_indexscan') AS previous) AS setting"
        )
        previous = cursor.fetchone()[0]
        try:
            yield
        finally:
            cursor.execute("SELECT set_config('enable_indexscan', %s, true)", [previous])


@dataclass(slots=True)
class Hit:
    """One object that matches the query and that the person may open (before the chosen filters)."""

    pk: int
    kind: str
    group_key: object
    score: float
    tagged: bool = True  # carries the chosen tag (always true when no tag is chosen)

    def passes(self, kind=None, group=None, tag=False):
        return (
            (kind is None or self.kind == kind)
            and (group is None or self.group_key == group)
            and (not tag or self.tagged)
        )


class IntranetSearch:
    """Two full-text queries per search (pages, documents), whatever the filters and facets.

    Each returns every match the person may open, with its type, group and score (a few
    numbers per match); filters, type and group counts and ordering are worked out from those
    hits, tag counts are summed by the database, and only the page of results shown is loaded
    in full.
    """

    def __init__(self, request, words, kind=None, group=None, tag=None):
        self.request = request
        self.words = words
        self.query = PlainText(" ".join(words), operator="and")
        self.kind, self.group, self.tag = kind, group, tag

    def _search(self, queryset):
        return queryset.search(self.query, order_by_relevance=True)

    def searchable_pages(self):
        models = [model for _key, _label, model in TYPES if model]
        return visible_pages(self.request, Page.objects.all()).filter(
            content_type__in=ContentType.objects.get_for_models(*models).values()
        )

    def page_hits(self):
        kinds = {
            ContentType.objects.get_for_model(model).pk: key
            for key, _label, model in TYPES
            if model is not None
        }
        group_depth = WorkingGroupPage.objects.values_list("depth", flat=True).first() or 0
        group_path_length = group_depth * Page.steplen
        with _bitmap_scans():
            rows = list(
                every_match(self._search(self.searchable_pages()), "_score")
                .order_by()
                .values_list("pk", "content_type_id", "path", "_score")
            )
        tagged = self._ids_with_chosen_tag(TAGGED_PAGES)
        return [
            Hit(
                pk,
                kinds[content_type],
                path[:group_path_length] if len(path) >= group_path_length else None,
                score,
                tagged is None or pk in tagged,
            )
            for pk, content_type, path, score in rows
        ]

    def document_hits(self):
        groups = dict(WorkingGroupPage.objects.values_list("pk", "path"))
        with _bitmap_scans():
            rows = list(
                every_match(self._search(openable_documents(self.request.user)), "_score")
                .order_by()
                .values_list("pk", "working_group_id", "_score")
            )
        tagged = self._ids_with_chosen_tag({"document": _document_tags()})
        return [
            Hit(pk, "document", groups.get(group_id), score, tagged is None or pk in tagged)
            for pk, group_id, score in rows
        ]

    def _ids_with_chosen_tag(self, tag_tables):
        """Ids (of the given kinds) that carry the chosen tag, or None when no tag is chosen."""
        if self.tag is None:
            return None
        ids = set()
        for queryset in tag_tables.values():
            column = _object_column(queryset)
            ids.update(queryset.filter(tag_id=self.tag.pk).values_list(column, flat=True))
        return ids

    def run(self, page_number, per_page):
        """The results of one page, best first, pages and documents together, and the facets."""
        hits = self.page_hits() + self.document_hits()
        group_key = self.group.path if self.group is not None else None
        tag = self.tag is not None
        chosen = [hit for hit in hits if hit.passes(self.kind, group_key, tag)]
        chosen.sort(key=lambda hit: (-(hit.score or 0), hit.kind, -hit.pk))
        start = (page_number - 1) * per_page
        return SearchOutcome(
            results=self._describe(chosen[start : start + per_page]),
            total=len(chosen),
            type_facets=self._type_facets(hits, group_key, tag),
            group_facets=self._group_facets(hits, tag),
            tag_facets=self._tag_facets(hits, group_key),
        )

    # Facets: each counted with the other filters applied (the person's permission always is)

    def _type_facets(self, hits, group_key, tag):
        counts = Counter(hit.kind for hit in hits if hit.passes(None, group_key, tag))
        return [
            Facet(key, label, counts[key], key == self.kind) for key, label, _model in TYPES if counts[key]
        ]

    def _group_facets(self, hits, tag):
        counts = Counter(hit.group_key for hit in hits if hit.group_key and hit.passes(self.kind, None, tag))
        if not counts:
            return []
        # The groups with the most results (a long list of groups helps nobody), and the chosen one.
        top = {path for path, _count in counts.most_common(GROUP_FACETS)}
        if self.group is not None and self.group.path in counts:
            top.add(self.group.path)
        groups = visible_pages(self.request, WorkingGroupPage.objects.filter(path__in=top))
        facets = [Facet(str(g.pk), g.title, counts[g.path], g == self.group) for g in groups]
        return sorted(facets, key=lambda facet: (-facet.count, facet.label))

    def _tag_facets(self, hits, group_key):
        """Tags of the hits that pass the type and group filters, counted by the database."""
        ids = {"compte-rendu": [], "recommandation": [], "document": []}
        for hit in hits:
            if hit.kind in ids and hit.passes(self.kind, group_key):
                ids[hit.kind].append(hit.pk)
        counts = Counter()
        tables = {**TAGGED_PAGES, "document": _document_tags()}
        for kind, queryset in tables.items():
            counts.update(_tag_counts(queryset, ids[kind]))
        top = dict(counts.most_common(TAG_FACETS))
        tags = sorted(
            Tag.objects.filter(pk__in=top), key=lambda tag: (-top[tag.pk], accentless_key(tag.name))
        )
        tag_id = self.tag.pk if self.tag is not None else None
        return [Facet(t.slug, t.name, top[t.pk], t.pk == tag_id) for t in tags]

    def _describe(self, hits):
        page_ids = [hit.pk for hit in hits if hit.kind != "document"]
        specific = {page.pk: page for page in Page.objects.filter(pk__in=page_ids).specific()}
        attach_working_groups(
            [p for p in specific.values() if isinstance(p, (MeetingReportPage, RecommendationPage))]
        )
        documents = LibraryDocument.objects.filter(pk__in=[h.pk for h in hits if h.kind == "document"])
        documents = {document.pk: document for document in documents.select_related("working_group")}
        results = []
        for hit in hits:
            if hit.kind == "document":
                document = documents[hit.pk]
                results.append(
                    Result(
                        "document",
                        document.title,
                        document.url,
                        group=document.working_group,
                        date=document.search_result_date(),
                        text=document.search_result_text(),
                        score=hit.score,
                    )
                )
                continue
            page = specific[hit.pk]
            results.append(
                Result(
                    hit.kind,
                    page.title,
                    page.get_url(self.request),
                    group=page
                    if isinstance(page, WorkingGroupPage)
                    else getattr(page, "working_group", None),
                    date=result_date(page),
                    text=result_text(page),
                    score=hit.score,
                )
            )
        return results


#: The tag tables of tagged pages, by result type.
TAGGED_PAGES = {
    "compte-rendu": MeetingReportPageTag.objects.all(),
    "recommandation": RecommendationPageTag.objects.all(),
}


def _document_tags():
    return TaggedItem.objects.filter(content_type=ContentType.objects.get_for_model(LibraryDocument))


def _object_column(queryset):
    return "object_id" if queryset.model is TaggedItem else "content_object_id"


class AnyOf(Lookup):
    """``column = ANY(%s)`` with a list of values sent as one PostgreSQL array parameter.

    Used as an expression, ``queryset.filter(AnyOf(F("object_id"), ids))``: the same query as
    ``__in``, but one parameter however many ids (PostgreSQL only).
    """

    prepare_rhs = False  # the list goes to the driver as it is, not through the field

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


def _tag_counts(queryset, ids):
    """{tag id: how many of ``ids`` carry it}, summed by the database, for thousands of ids.

    On PostgreSQL the ids travel as one array parameter (building an IN list of thousands of
    parameters costs more than the query); elsewhere, in bounded IN lists.
    """
    if not ids:
        return Counter()
    column = _object_column(queryset)
    if connection.vendor == "postgresql":
        chunks = [queryset.filter(AnyOf(F(column), ids))]
    else:
        chunks = [
            queryset.filter(**{f"{column}__in": ids[start : start + 5000]})
            for start in range(0, len(ids), 5000)
        ]
    counts = Counter()
    for chunk in chunks:
        per_tag = chunk.order_by().values("tag_id").annotate(n=Count("pk")).values_list("tag_id", "n")
        counts.update(dict(per_tag))
    return counts


def result_date(page):
    """The date shown beside a page's title, if its model names one (``search_result_date()``)."""
    date = getattr(page, "search_result_date", None)
    return date() if callable(date) else None


def result_text(page):
    """The text shown under a page's title: what the page model says (``search_result_text()``,
    workinggroups/search_text.py), or its search description when it says nothing."""
    text = getattr(page, "search_result_text", None)
    return text() if callable(text) else page.search_description
