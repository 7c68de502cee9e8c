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
        by_programme, context["recommendation_count"] = fact_counts_by_programme(recommendations, programmes)
        context["fact_counts"] = [
            (
                programme,
                [
                    (fact, FACT_PARAMETERS[fact], [row for row in rows if row[2]])
                    for fact, rows in by_programme[programme.pk].items()
                ],
            )
            for programme in programmes
        ]
        return context
