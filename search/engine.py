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
from django.db.models import Count, Q
from django.db.models.functions import Substr
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


def _matched(results):
    """The full, unsliced queryset behind a database-backend search, for counting and facets."""
    compiler = results.query_compiler
    config = compiler.get_config(results.backend)
    try:
        return compiler.search(config, None, None, backend=results.backend)
    except TypeError:  # the SQLite compiler takes no backend argument
        return compiler.search(config, None, None)


class IntranetSearch:
    def __init__(self, request, words, kind=None, group=None, tag=None):
        self.request = request
        self.words = words
        self.query = PlainText(" ".join(words), operator="and")
        self.kind, self.group, self.tag = kind, group, tag

    # The querysets, permission first

    def pages(self, kind=None, group=None, tag=None):
        models = [model for key, _label, model in TYPES if model and (kind is None or key == kind)]
        if kind == "document":
            return Page.objects.none()
        queryset = visible_pages(self.request, Page.objects.all()).filter(
            content_type__in=ContentType.objects.get_for_models(*models).values()
        )
        if group is not None:
            queryset = queryset.filter(path__startswith=group.path)
        if tag is not None:
            queryset = queryset.filter(
                Q(id__in=MeetingReportPageTag.objects.filter(tag=tag).values("content_object_id"))
                | Q(id__in=RecommendationPageTag.objects.filter(tag=tag).values("content_object_id"))
            )
        return queryset

    def documents(self, kind=None, group=None, tag=None):
        if kind not in (None, "document"):
            return LibraryDocument.objects.none()
        queryset = openable_documents(self.request.user)
        if group is not None:
            queryset = queryset.filter(working_group=group)
        if tag is not None:
            queryset = queryset.filter(
                id__in=TaggedItem.objects.filter(
                    tag=tag, content_type=ContentType.objects.get_for_model(LibraryDocument)
                ).values("object_id")
            )
        return queryset

    def _search(self, queryset):
        return queryset.search(self.query, order_by_relevance=True).annotate_score("_score")

    # Facets: each counted with the other filters applied, after the permission filter

    def type_facets(self):
        pages = _matched(self._search(self.pages(group=self.group, tag=self.tag)))
        by_type = dict(
            pages.values_list("content_type").annotate(n=Count("pk")).values_list("content_type", "n")
        )
        types = ContentType.objects.get_for_models(*(model for _k, _l, model in TYPES if model))
        counts = {key: by_type.get(types[model].pk, 0) for key, _label, model in TYPES if model}
        counts["document"] = self._search(self.documents(group=self.group, tag=self.tag)).count()
        return [
            Facet(key, label, counts[key], key == self.kind) for key, label, _model in TYPES if counts[key]
        ]

    def group_facets(self):
        group_depth = WorkingGroupPage.objects.values_list("depth", flat=True).first()
        if group_depth is None:
            return []
        pages = _matched(self._search(self.pages(kind=self.kind, tag=self.tag))).filter(
            depth__gte=group_depth
        )
        counts = dict(
            pages.annotate(group_path=Substr("path", 1, group_depth * Page.steplen))
            .values_list("group_path")
            .annotate(n=Count("pk"))
            .values_list("group_path", "n")
        )
        documents = _matched(self._search(self.documents(kind=self.kind, tag=self.tag)))
        by_group_id = dict(
            documents.exclude(working_group=None)
            .values_list("working_group")
            .annotate(n=Count("pk"))
            .values_list("working_group", "n")
        )
        groups = visible_pages(self.request, WorkingGroupPage.objects.all()).filter(
            Q(path__in=counts) | Q(pk__in=by_group_id)
        )
        facets = [
            Facet(str(g.pk), g.title, counts.get(g.path, 0) + by_group_id.get(g.pk, 0), g == self.group)
            for g in groups.order_by("title")
        ]
        return [facet for facet in facets if facet.count]

    def tag_facets(self):
        pages = _matched(self._search(self.pages(kind=self.kind, group=self.group))).values("pk")
        documents = _matched(self._search(self.documents(kind=self.kind, group=self.group))).values("pk")
        counts = Counter()
        for through in (MeetingReportPageTag, RecommendationPageTag):
            rows = (
                through.objects.filter(content_object_id__in=pages).values_list("tag").annotate(n=Count("pk"))
            )
            counts.update(dict(rows.values_list("tag", "n")))
        document_tags = TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(LibraryDocument), object_id__in=documents
        )
        counts.update(dict(document_tags.values_list("tag").annotate(n=Count("pk")).values_list("tag", "n")))
        top = dict(counts.most_common(30))
        tags = sorted(Tag.objects.filter(pk__in=top), key=lambda tag: (-top[tag.pk], tag.name))
        return [Facet(t.slug, t.name, top[t.pk], self.tag is not None and t.pk == self.tag.pk) for t in tags]

    # Results

    def run(self, page_number, per_page):
        """The results of one page, best first, pages and documents together, and the facets."""
        page_results = self._search(self.pages(kind=self.kind, group=self.group, tag=self.tag))
        document_results = self._search(self.documents(kind=self.kind, group=self.group, tag=self.tag))
        total = page_results.count() + document_results.count()
        start = (page_number - 1) * per_page
        needed = start + per_page
        merged = sorted(
            [*page_results[:needed], *document_results[:needed]],
            key=lambda obj: getattr(obj, "_score", 0) or 0,
            reverse=True,
        )[start:needed]
        return SearchOutcome(
            results=self._describe(merged),
            total=total,
            type_facets=self.type_facets(),
            group_facets=self.group_facets(),
            tag_facets=self.tag_facets(),
        )

    def _describe(self, objects):
        from workinggroups.queries import attach_working_groups

        page_ids = [obj.pk for obj in objects if isinstance(obj, Page)]
        specific = {page.pk: page for page in Page.objects.filter(pk__in=page_ids).specific()}
        attach_working_groups(
            [p for p in specific.values() if isinstance(p, (MeetingReportPage, RecommendationPage))]
        )
        documents = {
            doc.pk: doc
            for doc in LibraryDocument.objects.filter(
                pk__in=[o.pk for o in objects if isinstance(o, LibraryDocument)]
            ).select_related("working_group")
        }
        results = []
        for obj in objects:
            score = getattr(obj, "_score", 0) or 0
            if isinstance(obj, LibraryDocument):
                document = documents[obj.pk]
                results.append(
                    Result(
                        "document",
                        document.title,
                        document.url,
                        group=document.working_group,
                        date=document.meeting_date or document.created_at,
                        text=document.original_filename or document.filename,
                        score=score,
                    )
                )
                continue
            page = specific[obj.pk]
            results.append(
                Result(
                    _kind_of(page),
                    page.title,
                    page.get_url(self.request),
                    group=page
                    if isinstance(page, WorkingGroupPage)
                    else getattr(page, "working_group", None),
                    date=getattr(page, "date", None),
                    text=_page_text(page),
                    score=score,
                )
            )
        return results


def _kind_of(page):
    for key, _label, model in TYPES:
        if model is not None and isinstance(page, model):
            return key
    return "programme"


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
