"""Search over the pages and documents a person may open, with facets counted after that filter.

Everything a person may not open is removed from the querysets *before* they reach the
search backend, so results, counts, facets and pagination never include it.
"""

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from taggit.models import Tag, TaggedItem
from wagtail.models import Page
from wagtail.search.query import PlainText

from documents.access import openable_documents
from documents.models import LibraryDocument
from home.privacy import visible_pages
from workinggroups.models import (
    MeetingReportPage,
    MeetingReportPageTag,
    ProgrammePage,
    RecommendationPage,
    RecommendationPageTag,
    WorkingGroupPage,
)

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


def _matched(results, score_field=None):
    """The full, unsliced queryset behind a database-backend search (optionally with its score)."""
    compiler = results.query_compiler
    config = compiler.get_config(results.backend)
    try:
        return compiler.search(config, None, None, score_field=score_field, backend=results.backend)
    except TypeError:  # the SQLite compiler takes no backend argument
        return compiler.search(config, None, None, score_field=score_field)


@dataclass
class Hit:
    """One object that matches the query and that the person may open (before the chosen filters)."""

    pk: int
    kind: str
    group_key: object
    score: float
    tags: set = field(default_factory=set)

    def passes(self, kind=None, group=None, tag=None):
        return (
            (kind is None or self.kind == kind)
            and (group is None or self.group_key == group)
            and (tag is None or tag in self.tags)
        )


class IntranetSearch:
    """Two full-text queries per search (pages, documents), whatever the filters and facets.

    Each returns every match the person may open, with its type, group and score; filters,
    facet counts and ordering are then worked out from those hits, and only the page of
    results shown is loaded in full.
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
        rows = (
            _matched(self._search(self.searchable_pages()), score_field="_score")
            .order_by()
            .values_list("pk", "content_type_id", "path", "_score")
        )
        hits = [
            Hit(
                pk,
                kinds[content_type],
                path[:group_path_length] if len(path) >= group_path_length else None,
                score,
            )
            for pk, content_type, path, score in rows
        ]
        by_pk = {hit.pk: hit for hit in hits}
        tagged = [hit.pk for hit in hits if hit.kind in ("compte-rendu", "recommandation")]
        for through in (MeetingReportPageTag, RecommendationPageTag):
            for page_id, tag_id in _rows_for_ids(
                through.objects.all(), "content_object_id", tagged, "tag_id"
            ):
                by_pk[page_id].tags.add(tag_id)
        return hits

    def document_hits(self):
        groups = dict(WorkingGroupPage.objects.values_list("pk", "path"))
        rows = (
            _matched(self._search(openable_documents(self.request.user)), score_field="_score")
            .order_by()
            .values_list("pk", "working_group_id", "_score")
        )
        hits = [Hit(pk, "document", groups.get(group_id), score) for pk, group_id, score in rows]
        by_pk = {hit.pk: hit for hit in hits}
        document_tags = TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(LibraryDocument)
        )
        for object_id, tag_id in _rows_for_ids(document_tags, "object_id", list(by_pk), "tag_id"):
            by_pk[object_id].tags.add(tag_id)
        return hits

    def run(self, page_number, per_page):
        """The results of one page, best first, pages and documents together, and the facets."""
        page_hits, document_hits = self.page_hits(), self.document_hits()
        hits = page_hits + document_hits
        group_key = self.group.path if self.group is not None else None
        tag_id = self.tag.pk if self.tag is not None else None
        chosen = [hit for hit in hits if hit.passes(self.kind, group_key, tag_id)]
        chosen.sort(key=lambda hit: (-(hit.score or 0), hit.kind, -hit.pk))
        start = (page_number - 1) * per_page
        return SearchOutcome(
            results=self._describe(chosen[start : start + per_page]),
            total=len(chosen),
            type_facets=self._type_facets(hits, group_key, tag_id),
            group_facets=self._group_facets(hits, tag_id),
            tag_facets=self._tag_facets(hits, group_key, tag_id),
        )

    # Facets: each counted with the other filters applied (the person's permission always is)

    def _type_facets(self, hits, group_key, tag_id):
        counts = Counter(hit.kind for hit in hits if hit.passes(None, group_key, tag_id))
        return [
            Facet(key, label, counts[key], key == self.kind) for key, label, _model in TYPES if counts[key]
        ]

    def _group_facets(self, hits, tag_id):
        counts = Counter(
            hit.group_key for hit in hits if hit.group_key and hit.passes(self.kind, None, tag_id)
        )
        if not counts:
            return []
        groups = visible_pages(self.request, WorkingGroupPage.objects.filter(path__in=counts)).order_by(
            "title"
        )
        return [Facet(str(g.pk), g.title, counts[g.path], g == self.group) for g in groups]

    def _tag_facets(self, hits, group_key, tag_id):
        counts = Counter(tag for hit in hits if hit.passes(self.kind, group_key, None) for tag in hit.tags)
        top = dict(counts.most_common(30))
        tags = sorted(Tag.objects.filter(pk__in=top), key=lambda tag: (-top[tag.pk], tag.name))
        return [Facet(t.slug, t.name, top[t.pk], t.pk == tag_id) for t in tags]

    def _describe(self, hits):
        from workinggroups.queries import attach_working_groups

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
                        date=document.meeting_date or document.created_at,
                        text=document.original_filename or document.filename,
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
                    date=getattr(page, "date", None),
                    text=_page_text(page),
                    score=hit.score,
                )
            )
        return results


def _rows_for_ids(queryset, column, ids, other):
    """(column, other) pairs of ``queryset`` rows whose ``column`` is in ``ids``, for thousands of ids.

    On PostgreSQL the ids travel as one array parameter (building an IN list of thousands of
    parameters costs more than the query); elsewhere, in bounded IN lists.
    """
    if not ids:
        return []
    if connection.vendor == "postgresql":
        field = queryset.model._meta.get_field(column).column
        return list(queryset.extra(where=[f"{field} = ANY(%s)"], params=[ids]).values_list(column, other))  # noqa: S610
    rows = []
    for start in range(0, len(ids), 5000):
        rows += queryset.filter(**{f"{column}__in": ids[start : start + 5000]}).values_list(column, other)
    return rows


def _page_text(page):
    from django.utils.html import strip_tags

    parts = [page.search_description]
    for name in (
        "intro",
        "mission",
        "summary",
        "text",
        "decisions",
        "next_steps",
        "rationale",
        "stakes",
        "history",
    ):
        value = getattr(page, name, "")
        if value:
            parts.append(strip_tags(str(value)))
    return " ".join(part for part in parts if part)
