"""Search over the pages and documents a person may open, with facets counted after that filter.

Everything a person may not open is removed from the querysets *before* they reach the
search backend, so results, counts, facets and pagination never include it.
"""

import re
import unicodedata
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection, transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, F, IntegerField, Lookup, Q, Value
from django.db.models.functions import Left
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
from workinggroups.tree import at_paths

from .backend_internals import best_entries, every_match

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
#: Up to this many documents that match and pass the filters, all are ranked by the search backend:
#: a member may open few of the library's documents, so that the best of the whole index (the
#: candidates, ``_best_of_candidates``) would be mostly documents they may not open.
RANK_EVERY_DOCUMENT_UP_TO = 1000
#: Candidates taken beyond what the filters' share calls for (drafts and private pages are in the
#: index too), and the most taken; a search that would need more ranks every match.
CANDIDATE_MARGIN = 100
MAX_CANDIDATES = 5000
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
class Bucket:
    """Matches the person may open that share a type, a group, and whether they carry the chosen
    tag: counted by the database, never listed (a broad word matches 20,000 pages)."""

    kind: str
    group_key: object
    tagged: bool
    count: int
    ids: list = None  # their ids, on PostgreSQL (for the tag counts)

    def passes(self, kind=None, group=None, tag=False):
        return (
            (kind is None or self.kind == kind)
            and (group is None or self.group_key == group)
            and (not tag or self.tagged)
        )


@dataclass(slots=True)
class Hit:
    """One of the best matches that pass the chosen filters, with its score."""

    pk: int
    kind: str
    score: float


class IntranetSearch:
    """Matches counted, and only the best of them ranked, whatever their number.

    Counting and ranking are separate. The total and the type, group and tag facets are counted
    by the database from the matches the person may open, without ranking them and without
    sending them here. Only the results up to the page shown are ranked and sent: the best
    ``page_number * per_page`` pages and documents that pass the chosen filters, each ordered
    by the database, then merged here.
    """

    def __init__(self, request, words, kind=None, group=None, tag=None):
        self.request = request
        self.words = words
        self.query = PlainText(" ".join(words), operator="and")
        self.kind, self.group, self.tag = kind, group, tag
        self._kinds = {ContentType.objects.get_for_model(model).pk: key for key, _l, model in TYPES if model}

    def _search(self, queryset):
        return queryset.search(self.query, order_by_relevance=True)

    def searchable_pages(self):
        models = [model for _key, _label, model in TYPES if model]
        return visible_pages(self.request, Page.objects.all()).filter(
            content_type__in=ContentType.objects.get_for_models(*models).values()
        )

    # The matches, as querysets narrowed in the database: nothing is sent here until asked for

    @cached_property
    def _every_page(self):
        return every_match(self._search(self.searchable_pages()), "_score")

    @cached_property
    def _every_document(self):
        return every_match(self._search(openable_documents(self.request.user)), "_score")

    def matching_pages(self, kind=None, group=None, tag=None):
        """Pages that match and that the person may open, of type ``kind``, under ``group`` and
        carrying ``tag`` when given; scored in ``_score`` and ordered best first."""
        pages = self._every_page
        if kind is not None:
            model = next(model for key, _label, model in TYPES if key == kind)
            pages = pages.filter(content_type=ContentType.objects.get_for_model(model))
        if group is not None:
            pages = pages.filter(path__startswith=group.path)
        if tag is not None:
            pages = pages.filter(_carries(tag, TAGGED_PAGES))
        return pages

    def matching_documents(self, group=None, tag=None):
        """Documents that match and that the person may open, in ``group`` and carrying ``tag``
        when given; scored in ``_score`` and ordered best first."""
        documents = self._every_document
        if group is not None:
            documents = documents.filter(working_group_id=group.pk)
        if tag is not None:
            documents = documents.filter(_carries(tag, {"document": _document_tags()}))
        return documents

    # Counting: by the database, without ranking, and without sending the matches here

    def page_buckets(self):
        group_length = (WorkingGroupPage.objects.values_list("depth", flat=True).first() or 0) * Page.steplen
        pages = self.matching_pages().order_by().values("content_type_id")
        pages = pages.annotate(
            group_key=Left("path", group_length), tagged=self._carries_chosen_tag(TAGGED_PAGES)
        )
        rows = pages.annotate(n=Count("pk"), ids=_ids()).values_list(
            "content_type_id", "group_key", "tagged", "n", "ids"
        )
        return [
            Bucket(self._kinds[content_type], key if len(key) == group_length else None, tagged, count, ids)
            for content_type, key, tagged, count, ids in rows
        ]

    def document_buckets(self):
        documents = self.matching_documents().order_by().values("working_group__path")
        documents = documents.annotate(tagged=self._carries_chosen_tag({"document": _document_tags()}))
        rows = documents.annotate(n=Count("pk"), ids=_ids()).values_list(
            "working_group__path", "tagged", "n", "ids"
        )
        return [Bucket("document", group_key, tagged, count, ids) for group_key, tagged, count, ids in rows]

    def _carries_chosen_tag(self, tag_tables):
        """Whether a match carries the chosen tag (always true when no tag is chosen)."""
        if self.tag is None:
            return Value(True)
        return ExpressionWrapper(_carries(self.tag, tag_tables), output_field=BooleanField())

    # Ranking: the best first, of the matches that pass the filters; only as many as shown

    def best(self, limit, buckets):
        """The ``limit`` best matches that pass the chosen filters, pages and documents together."""
        group_key = self.group.path if self.group is not None else None
        tag = self.tag is not None

        def count(kinds, **filters):
            return sum(
                bucket.count for bucket in buckets if bucket.kind in kinds and bucket.passes(**filters)
            )

        hits = []
        page_kinds = [key for key, _label, model in TYPES if model and self.kind in (None, key)]
        if page_kinds:
            chosen, every = count(page_kinds, group=group_key, tag=tag), count(page_kinds)
            hits += self._best_pages(limit, chosen, every)
        if self.kind in (None, "document"):
            chosen, every = count(["document"], group=group_key, tag=tag), count(["document"])
            hits += self._best_documents(limit, chosen, every)
        hits.sort(key=lambda hit: (-(hit.score or 0), hit.kind, -hit.pk))
        return hits[:limit]

    def _best_pages(self, limit, chosen, every):
        if chosen == 0:
            return []
        models = [model for key, _label, model in TYPES if model and self.kind in (None, key)]
        found = self._best_of_candidates(models, limit, chosen, every, self._filtered_pages())
        if found is not None:
            return [Hit(pk, self._kinds[content_type], score) for pk, content_type, score in found]
        rows = self.matching_pages(self.kind, self.group, self.tag).values_list(
            "pk", "content_type_id", "_score"
        )
        return [Hit(pk, self._kinds[content_type], score) for pk, content_type, score in rows[:limit]]

    def _best_documents(self, limit, chosen, every):
        if chosen == 0:
            return []
        documents = openable_documents(self.request.user)
        if self.group is not None:
            documents = documents.filter(working_group_id=self.group.pk)
        if self.tag is not None:
            documents = documents.filter(_carries(self.tag, {"document": _document_tags()}))
        found = None
        if chosen > RANK_EVERY_DOCUMENT_UP_TO:
            allowed = documents.annotate(content_type_id=Value(0))
            found = self._best_of_candidates([LibraryDocument], limit, chosen, every, allowed)
        if found is not None:
            return [Hit(pk, "document", score) for pk, _content_type, score in found]
        rows = self.matching_documents(self.group, self.tag).values_list("pk", "_score")
        return [Hit(pk, "document", score) for pk, score in rows[:limit]]

    def _filtered_pages(self):
        """The pages the person may open that pass the chosen filters, before any search."""
        pages = self.searchable_pages()
        if self.kind is not None:
            model = next(model for key, _label, model in TYPES if key == self.kind)
            pages = pages.filter(content_type=ContentType.objects.get_for_model(model))
        if self.group is not None:
            pages = pages.filter(path__startswith=self.group.path)
        if self.tag is not None:
            pages = pages.filter(_carries(self.tag, TAGGED_PAGES))
        return pages

    def _best_of_candidates(self, models, limit, chosen, every, allowed):
        """The best ``limit`` of ``chosen`` matches (of ``every`` the person may open, before the
        filters) as ``[(pk, content type id, score)]``, ranked among a bounded set of candidates:
        the best entries of the whole search index (backend_internals.best_entries), kept when in
        ``allowed``. ``None`` when the candidates leave too few (selective filters, or many
        entries the person may not open): the caller then ranks every match."""
        # Enough candidates that, once the filters and the entries the person may not open (drafts,
        # private pages) are left out, ``limit`` remain; four times as many if they did not.
        wanted = int(limit * every / chosen * 2) + CANDIDATE_MARGIN
        while wanted <= MAX_CANDIDATES:
            entries = best_entries(models, self.words, wanted)
            if entries is None:
                return None
            ids = [pk for pk, _score in entries]
            kept = dict(allowed.filter(pk__in=ids).values_list("pk", "content_type_id"))
            found = [(pk, kept[pk], score) for pk, score in entries if pk in kept]
            if len(found) >= limit or len(entries) < wanted:
                found.sort(key=lambda row: (-row[2], -row[0]))
                return found[:limit]
            wanted *= 4
        return None  # the candidates would be too many: rank every match

    def run(self, page_number, per_page):
        """The results of one page, best first, pages and documents together, and the facets."""
        group_key = self.group.path if self.group is not None else None
        tag = self.tag is not None
        start = (page_number - 1) * per_page
        with _bitmap_scans():
            buckets = self.page_buckets() + self.document_buckets()
            tag_counts = self._tag_counts(buckets, group_key)
            total = sum(bucket.count for bucket in buckets if bucket.passes(self.kind, group_key, tag))
            hits = self.best(start + per_page, buckets)[start:] if total > start else []
        return SearchOutcome(
            results=self._describe(hits),
            total=total,
            type_facets=self._type_facets(buckets, group_key, tag),
            group_facets=self._group_facets(buckets, tag),
            tag_facets=self._tag_facets(tag_counts),
        )

    # Facets: each counted with the other filters applied (the person's permission always is)

    def _type_facets(self, buckets, group_key, tag):
        counts = Counter()
        for bucket in buckets:
            if bucket.passes(None, group_key, tag):
                counts[bucket.kind] += bucket.count
        return [
            Facet(key, label, counts[key], key == self.kind) for key, label, _model in TYPES if counts[key]
        ]

    def _group_facets(self, buckets, tag):
        counts = Counter()
        for bucket in buckets:
            if bucket.group_key and bucket.passes(self.kind, None, tag):
                counts[bucket.group_key] += bucket.count
        if not counts:
            return []
        # The groups with the most results (a long list of groups helps nobody), and the chosen one.
        top = {path for path, _count in counts.most_common(GROUP_FACETS)}
        if self.group is not None and self.group.path in counts:
            top.add(self.group.path)
        groups = visible_pages(self.request, at_paths(WorkingGroupPage, top))
        facets = [Facet(str(g.pk), g.title, counts[g.path], g == self.group) for g in groups]
        return sorted(facets, key=lambda facet: (-facet.count, facet.label))

    def _tag_counts(self, buckets, group_key):
        """{tag id: count} over the matches that pass the type and group filters, by the database:
        from the ids of the matches on PostgreSQL (``_ids``), by running the search again elsewhere."""
        counts = Counter()
        tables = {**TAGGED_PAGES, "document": _document_tags()}
        for kind, table in tables.items():
            if self.kind not in (None, kind):
                continue
            column = _object_column(table)
            if connection.vendor == "postgresql":
                ids = [pk for b in buckets if b.kind == kind and b.passes(group=group_key) for pk in b.ids]
                if ids:
                    counts.update(_count_by_tag(table.filter(AnyOf(F(column), ids))))
                continue
            if kind == "document":
                matches = self.matching_documents(self.group)
            else:
                matches = self.matching_pages(kind, self.group)
            counts.update(_count_by_tag(table.filter(**{f"{column}__in": matches.order_by().values("pk")})))
        return counts

    def _tag_facets(self, counts):
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


def _carries(tag, tag_tables):
    """A filter: the object carries ``tag`` (in one of ``tag_tables``)."""
    carries = Q()
    for queryset in tag_tables.values():
        column = _object_column(queryset)
        carries |= Q(pk__in=queryset.filter(tag_id=tag.pk).values(column))
    return carries


def _ids():
    """The ids of a bucket's matches, on PostgreSQL; elsewhere none (tags are counted by a subquery)."""
    return ArrayAgg("pk") if connection.vendor == "postgresql" else Value(None, output_field=IntegerField())


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


def _count_by_tag(tagged_items):
    """{tag id: how many of ``tagged_items`` carry it}, counted by the database."""
    return dict(tagged_items.order_by().values("tag_id").annotate(n=Count("pk")).values_list("tag_id", "n"))


def result_date(page):
    """The date shown beside a page's title, if its model names one (``search_result_date()``)."""
    date = getattr(page, "search_result_date", None)
    return date() if callable(date) else None


def result_text(page):
    """The text shown under a page's title: what the page model says (``search_result_text()``,
    workinggroups/search_text.py), or its search description when it says nothing."""
    text = getattr(page, "search_result_text", None)
    return text() if callable(text) else page.search_description
