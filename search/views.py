from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from taggit.models import Tag

from privacy.ids import parse_id
from privacy.rules import visible_pages
from workinggroups.models import WorkingGroupPage

from .engine import RESULT_LABELS, TYPE_LABELS, IntranetSearch, QueryError, parse_terms
from .highlight import excerpt, highlight


class CountedResults:
    """What Django's paginator needs: the total, and the results of the page being shown."""

    def __init__(self, total, results, offset):
        self.total, self.results, self.offset = total, results, offset

    def count(self):
        return self.total

    def __len__(self):
        return self.total

    def __getitem__(self, item):
        if isinstance(item, slice):
            return self.results[item.start - self.offset : item.stop - self.offset]
        return self.results[item - self.offset]


def _page_number(raw):
    return parse_id(raw) or 1


def search(request):
    raw = request.GET.get("q", "")
    context = {"query": raw[: settings.SEARCH_MAX_QUERY_LENGTH], "result_labels": RESULT_LABELS}
    if "q" not in request.GET:
        return render(request, "search/search.html", context)
    try:
        words = parse_terms(raw)
    except QueryError as error:
        context["error"] = str(error)
        return render(request, "search/search.html", context, status=200)

    kind = request.GET.get("type") or None
    if kind not in TYPE_LABELS:
        kind = None
    group = None
    if request.GET.get("groupe"):
        group = visible_pages(
            request, WorkingGroupPage.objects.filter(pk=parse_id(request.GET["groupe"]))
        ).first()
    tag = (
        Tag.objects.filter(slug=request.GET.get("tag", "")[:100]).first() if request.GET.get("tag") else None
    )

    page_number = min(_page_number(request.GET.get("page")), settings.SEARCH_MAX_PAGES)
    per_page = settings.SEARCH_RESULTS_PER_PAGE
    outcome = IntranetSearch(request, words, kind=kind, group=group, tag=tag).run(page_number, per_page)
    pages = max(1, -(-outcome.total // per_page))
    if page_number > pages:
        page_number = pages
        outcome = IntranetSearch(request, words, kind=kind, group=group, tag=tag).run(page_number, per_page)
    for result in outcome.results:
        result.title_html = highlight(result.title, words)
        result.excerpt = excerpt(result.text, words)
    paginator = Paginator(
        CountedResults(outcome.total, outcome.results, (page_number - 1) * per_page), per_page
    )
    context.update(
        {
            "words": words,
            "outcome": outcome,
            "page_obj": paginator.page(page_number),
            "selected_type": kind,
            "selected_group": group,
            "selected_tag": tag,
            "too_deep": outcome.total > settings.SEARCH_MAX_PAGES * per_page,
            "notice": _("Le filtre de groupe ne correspond à aucun groupe visible.")
            if request.GET.get("groupe") and group is None
            else None,
        }
    )
    return render(request, "search/search.html", context)
