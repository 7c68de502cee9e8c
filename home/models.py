from django.utils.html import format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from privacy.rules import visible_pages
from workinggroups.models import MeetingReportPage, ProgrammePage, RecommendationPage
from workinggroups.models.listings import FACT_PARAMETERS, attach_working_groups, fact_counts_by_programme
from workinggroups.search_text import SearchResultText

from .routing import route_by_url_path


class HomePage(SearchResultText, Page):
    """Root of the intranet: the programmes, the latest reports, the recommendations at a glance."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    search_result_fields = ("intro",)

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["workinggroups.ProgrammePage"]
    max_count = 1

    class Meta:
        verbose_name = _("page d'accueil")
        verbose_name_plural = _("pages d'accueil")

    def route(self, request, path_components):
        """The page below, found by its URL path in two queries rather than two a level
        (home/routing.py)."""
        if not path_components:
            return super().route(request, path_components)
        return route_by_url_path(self, request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["programmes"] = visible_pages(request, ProgrammePage.objects.child_of(self)).order_by(
            "-start_date"
        )
        context["latest_reports"] = attach_working_groups(
            visible_pages(request, MeetingReportPage.objects.descendant_of(self)).order_by("-date", "-pk")[:6]
        )
        # Counted only: from the page table by content type (its index), not joined to the
        # recommendations' table, which the planner read whole with every page (17 to 7 ms).
        recommendations = visible_pages(request, Page.objects.type(RecommendationPage).descendant_of(self))
        # Per programme, the three facts counted apart, each count linking to the programme's tracker
        # filtered on it; and the recommendations in all, from the same rows.
        programmes = list(context["programmes"])
        # Each programme's addresses, asked of Wagtail once rather than by a tag at each of their six
        # links (twenty programmes at full size).
        for programme in programmes:
            programme.page_url = programme.get_url(request)
            programme.tracker_url = programme.page_url + programme.reverse_subpage("tracker")
            programme.reports_url = programme.page_url + programme.reverse_subpage("reports")
        context["programmes"] = programmes
        by_programme, context["recommendation_count"] = fact_counts_by_programme(recommendations, programmes)
        context["fact_counts"] = [
            (
                programme,
                [
                    (fact, _fact_items(programme.tracker_url, FACT_PARAMETERS[fact], rows))
                    for fact, rows in by_programme[programme.pk].items()
                ],
            )
            for programme in programmes
        ]
        return context


#: A value of a fact and its count on the home page, a link to the programme's tracker filtered on it.
FACT_ITEM = '<li><a href="{}?{}={}"><span class="status status--{}">{}</span> <strong>{}</strong></a></li>'


def _fact_items(tracker_url, parameter, rows):
    """The list items of one fact's counts (the values nobody stands at left out), written here rather
    than in the template: twenty programmes' three facts make some 300 items on the home page."""
    return format_html_join(
        "",
        FACT_ITEM,
        (
            (tracker_url, parameter, value, value, capfirst(label), count)
            for value, label, count in rows
            if count
        ),
    )
