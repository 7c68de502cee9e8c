from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, PageChooserPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from privacy.rules import visible_pages

from ..choices import RICH_TEXT_FEATURES, BoardPosition, Fact
from ..forms import RecommendationPageForm
from ..search_text import SearchResultText
from ..textdiff import word_diff
from ..tree import ancestor_of_type, attach_working_groups
from .decisions import BoardDecision
from .reports import MeetingReportPage


class RecommendationPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "workinggroups.RecommendationPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class RecommendationPage(SearchResultText, Page):
    """A recommendation a working group hands to the board. The board's decision is a separate record."""

    number = models.PositiveSmallIntegerField(
        _("numéro"), help_text=_("Unique dans le programme, par exemple 12.")
    )
    text = RichTextField(_("recommandation"), features=RICH_TEXT_FEATURES)
    rationale = RichTextField(_("justification"), blank=True, features=RICH_TEXT_FEATURES)
    tags = ClusterTaggableManager(through=RecommendationPageTag, blank=True, verbose_name=_("mots-clés"))

    content_panels = [
        FieldPanel("number"),
        *Page.content_panels,
        FieldPanel("text"),
        FieldPanel("rationale"),
        FieldPanel("tags"),
        InlinePanel(
            "sources",
            heading=_("D'où elle vient"),
            label=_("compte rendu, audition ou visite"),
            help_text=_("Les réunions, auditions et visites dont la recommandation est issue."),
        ),
    ]
    base_form_class = RecommendationPageForm

    search_fields = Page.search_fields + [
        index.SearchField("text"),
        index.SearchField("rationale"),
        index.FilterField("number"),
        index.RelatedFields("tags", [index.SearchField("name"), index.FilterField("slug")]),
    ]
    search_result_fields = ("text", "rationale")

    parent_page_types = ["workinggroups.WorkingGroupPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("recommandation")
        verbose_name_plural = _("recommandations")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["working_group"] = ancestor_of_type(self, "workinggroups.WorkingGroupPage")
        # Only its URLs are shown (its lists'): no query for its own fields.
        context["programme"] = ancestor_of_type(self, "workinggroups.ProgrammePage", deferred=True)
        decision = BoardDecision.objects.filter(recommendation=self).first()
        context["decision"] = decision
        # Where it came from, as far as the reader may see (a report of a private group stays unnamed).
        context["sources"] = attach_working_groups(
            visible_pages(request, MeetingReportPage.objects.filter(fed_recommendations__recommendation=self))
            .distinct()
            .order_by("date", "pk")
        )
        if decision is None:
            return context
        history = list(decision.history.select_related("changed_by"))
        context["histories"] = {fact.value: [c for c in history if c.fact == fact] for fact in Fact}
        # A merge, seen from both sides, as far as the reader may see the other recommendation.
        merged = RecommendationPage.objects.filter(pk=decision.merged_into_id)
        context["merged_into"] = visible_pages(request, merged).first() if decision.merged_into_id else None
        decision.visible_merge = context["merged_into"]
        context["merged_from"] = visible_pages(
            request, RecommendationPage.objects.filter(board_decision__merged_into=self)
        ).order_by("number")
        if decision.shown_amended_text.strip():
            # The group's text against the board's: what a member asks first about an amendment.
            context["comparison"] = word_diff(self.text, decision.amended_text)
            context["amendment"] = next(
                (
                    c
                    for c in reversed(history)
                    if c.fact == Fact.POSITION and c.to_status == BoardPosition.AMENDED
                ),
                None,
            )
        return context


class RecommendationSource(Orderable):
    """A meeting report, hearing or visit a recommendation came from: shown on both pages."""

    recommendation = ParentalKey(RecommendationPage, on_delete=models.CASCADE, related_name="sources")
    report = models.ForeignKey(
        "workinggroups.MeetingReportPage",
        verbose_name=_("compte rendu"),
        on_delete=models.CASCADE,
        related_name="fed_recommendations",
    )

    panels = [PageChooserPanel("report", page_type="workinggroups.MeetingReportPage")]

    class Meta(Orderable.Meta):
        verbose_name = _("origine de la recommandation")
        verbose_name_plural = _("origines de la recommandation")
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "report"], name="unique_recommendation_source")
        ]


def show_merges(request, recommendations):
    """Give each recommendation's decision ``visible_merge``: the recommendation it was merged into,
    when the reader may see that one (a private group's recommendation is not even numbered), in one
    query. Templates read ``visible_merge``, never ``merged_into``."""
    decisions = [getattr(r, "board_decision", None) for r in recommendations]
    targets = {d.merged_into_id for d in decisions if d is not None and d.merged_into_id}
    seen = set()
    if targets:
        seen = set(
            visible_pages(request, RecommendationPage.objects.filter(pk__in=targets)).values_list(
                "pk", flat=True
            )
        )
    for decision in decisions:
        if decision is not None:
            decision.visible_merge = decision.merged_into if decision.merged_into_id in seen else None
    return recommendations
