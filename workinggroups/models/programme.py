from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from privacy.rules import visible_pages

from .. import exports
from ..blocks import ResourceLinkBlock, TestimonialBlock
from ..choices import FACT_VALUES, RICH_TEXT_FEATURES, Fact, ProgrammeStatus
from ..dashboard import build_dashboard
from ..search_text import SearchResultText
from .groups import WorkingGroupPage
from .listings import (
    FACT_PARAMETERS,
    OLD_ASSEMBLY_FILTERS,
    attach_working_groups,
    groups_with_people,
    meeting_reports_listing,
    recommendations_tracker,
)
from .recommendations import RecommendationPage, show_merges

#: What the tracker's filters say when a value is unknown (its filter is then dropped, and said so).
UNKNOWN_FACT_VALUE = {
    Fact.POSITION: _("Cette position du Conseil n'existe pas : toutes sont affichées."),
    Fact.ASSEMBLY: _("Ce choix pour l'assemblée générale n'existe pas : toutes sont affichées."),
    Fact.FOLLOW_UP: _("Cet état du suivi n'existe pas : tous sont affichés."),
}


#: The first line of each fact's menu in the tracker: no filter.
ALL_VALUES = {
    Fact.POSITION: _("Toutes les positions"),
    Fact.ASSEMBLY: _("Présentées ou non"),
    Fact.FOLLOW_UP: _("Tous les états du suivi"),
}
#: Values that group several: presented to the assembly whatever the outcome; with a follow-up.
GROUPED_VALUES = {
    Fact.ASSEMBLY: ("presented", _("présentées, quelle qu'en soit l'issue")),
    Fact.FOLLOW_UP: ("any", _("toutes celles à mettre en œuvre")),
}


def filter_choices(fact):
    """The tracker's menu for ``fact``: its values, after the one that groups them where there is one."""
    grouped = [GROUPED_VALUES[fact]] if fact in GROUPED_VALUES else []
    return [*grouped, *FACT_VALUES[fact].choices]


#: Statuses of the single status that came before the three facts, as old links carry them.
OLD_STATUSES = {"presented": (Fact.ASSEMBLY, "presented"), "implemented": (Fact.FOLLOW_UP, "done")}


class ProgrammePage(SearchResultText, RoutablePageMixin, Page):
    """A programme of working groups voted by a general assembly (for example 2017-2018)."""

    intro = models.TextField(_("chapeau"), blank=True)
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=ProgrammeStatus.choices, default=ProgrammeStatus.OPEN
    )
    history = RichTextField(_("historique"), blank=True, features=RICH_TEXT_FEATURES)
    framework = RichTextField(_("cadre de travail"), blank=True, features=RICH_TEXT_FEATURES)
    assembly_vote_date = models.DateField(
        _("vote en assemblée générale"),
        null=True,
        blank=True,
        help_text=_("L'assemblée générale qui a créé les groupes."),
    )
    board_handover_date = models.DateField(_("remise des recommandations au Conseil"), null=True, blank=True)
    next_assembly_date = models.DateField(
        _("assemblée générale de présentation"),
        null=True,
        blank=True,
        help_text=_("L'assemblée générale où le Conseil présente le résultat des travaux."),
    )
    resources = StreamField([("resource", ResourceLinkBlock())], verbose_name=_("ressources"), blank=True)
    testimonials = StreamField(
        [("testimonial", TestimonialBlock())], verbose_name=_("témoignages"), blank=True
    )
    contact_email = models.EmailField(_("adresse de contact"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("history"),
        FieldPanel("framework"),
        FieldPanel("contact_email"),
    ]
    calendar_panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
                FieldPanel("status"),
            ],
            heading=_("Période"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("assembly_vote_date"),
                FieldPanel("board_handover_date"),
                FieldPanel("next_assembly_date"),
            ],
            heading=_("Dates clés"),
        ),
    ]
    resources_panels = [FieldPanel("resources"), FieldPanel("testimonials")]

    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Contenu")),
            ObjectList(calendar_panels, heading=_("Calendrier")),
            ObjectList(resources_panels, heading=_("Ressources et témoignages")),
            ObjectList(Page.promote_panels, heading=_("Promotion")),
            ObjectList(Page.settings_panels, heading=_("Paramètres")),
        ]
    )

    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("history"),
        index.SearchField("framework"),
        index.FilterField("start_date"),
        index.FilterField("status"),
    ]
    search_result_fields = ("intro", "history")

    parent_page_types = ["home.HomePage"]
    subpage_types = ["workinggroups.WorkingGroupPage"]

    class Meta:
        verbose_name = _("programme de groupes de travail")
        verbose_name_plural = _("programmes de groupes de travail")

    def working_groups(self, request):
        return visible_pages(request, WorkingGroupPage.objects.child_of(self)).order_by("path")

    @path("")
    def index_route(self, request, *args, **kwargs):
        groups = groups_with_people(request, self.working_groups(request))
        # Counted only: from the page table by content type, as on the home page.
        recommendations = visible_pages(request, Page.objects.type(RecommendationPage).descendant_of(self))
        tracker_url = self.get_url(request) + self.reverse_subpage("tracker")
        return self.render(
            request,
            context_overrides={
                "groups": groups,
                "dashboard": build_dashboard(recommendations, groups, tracker_url),
            },
        )

    @staticmethod
    def _title_details(page_obj, group=None, tag=None, facts=None):
        """What tells a filtered or later page of a listing from the first one, for its <title>."""
        details = [str(group.title)] if group else []
        if tag:
            details.append(str(_("mot-clé « %(tag)s »") % {"tag": tag}))
        for fact, value in (facts or {}).items():
            label = dict(filter_choices(fact))[value]
            details.append(str(_("%(fact)s : %(value)s") % {"fact": fact.label, "value": label}))
        if page_obj.number > 1:
            details.append(
                str(
                    _("page %(number)s sur %(total)s")
                    % {"number": page_obj.number, "total": page_obj.paginator.num_pages}
                )
            )
        return ", ".join(details)

    def _listing_filters(self, request, groups):
        """The group and tag asked for in the query string; an unknown group is said, not hidden."""
        group, notice = None, None
        if group_slug := request.GET.get("groupe"):
            group = next((g for g in groups if g.slug == group_slug), None)
            if group is None:
                notice = _("Ce groupe n'existe pas dans ce programme : tous les groupes sont affichés.")
        tag = (request.GET.get("tag") or "").strip()[:100] or None
        return group, tag, notice

    @staticmethod
    def _fact_filters(request):
        """{fact: value} of the three facts asked for in the query string; an unknown value is said,
        not hidden. ``statut`` and ``assemblee=presentee`` are what older links said."""
        facts, notice = {}, None
        legacy = request.GET.get("statut")
        if legacy:
            fact, value = OLD_STATUSES.get(legacy, (Fact.POSITION, legacy))
            facts[fact] = value
        for fact, parameter in FACT_PARAMETERS.items():
            value = request.GET.get(parameter)
            if value:
                facts[fact] = OLD_ASSEMBLY_FILTERS.get(value, value) if fact == Fact.ASSEMBLY else value
        for fact, value in list(facts.items()):
            if value not in dict(filter_choices(fact)):
                notice = UNKNOWN_FACT_VALUE[fact]
                del facts[fact]
        return facts, notice

    def _tracker_query(self, request):
        """The tracker's recommendations for this request's filters: (groups, group, tag, facts, notice,
        recommendations). The exports use the same, so that a download is what the page lists."""
        groups = list(self.working_groups(request))
        group, tag, notice = self._listing_filters(request, groups)
        facts, fact_notice = self._fact_filters(request)
        recommendations, tags = recommendations_tracker(request, self, group=group, tag=tag, facts=facts)
        return groups, group, tag, tags, facts, notice or fact_notice, recommendations

    @path("recommandations/", name="tracker")
    def tracker(self, request):
        """Every recommendation of the programme, filterable by group, tag and the three facts, paginated."""
        groups, group, tag, tags, facts, notice, recommendations = self._tracker_query(request)
        page_obj = Paginator(recommendations, 20).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return self.render(
            request,
            context_overrides={
                "groups": groups,
                "selected_group": group,
                "tags": tags,
                "selected_tag": tag,
                "notice": notice,
                "title_details": self._title_details(page_obj, group, tag, facts),
                "fact_filters": [
                    (fact, FACT_PARAMETERS[fact], ALL_VALUES[fact], filter_choices(fact), facts.get(fact, ""))
                    for fact in Fact
                ],
                "selected_facts": facts,
                "page_obj": page_obj,
                "recommendations": show_merges(request, attach_working_groups(page_obj.object_list)),
                "export_query": query.urlencode(),
            },
            template="workinggroups/recommendation_tracker.html",
        )

    def _export(self, request, extension):
        _groups, group, _tag, _tags, _facts, _notice, recommendations = self._tracker_query(request)
        recommendations = show_merges(request, attach_working_groups(list(recommendations)))
        if extension == "csv":
            body, content_type = exports.as_csv(recommendations, request), "text/csv; charset=utf-8"
        else:
            body = exports.as_xlsx(recommendations, request, str(_("Recommandations")))
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="{exports.file_name(self, extension, group)}"'
        )
        return response

    @path("recommandations/csv/", name="tracker_csv")
    def tracker_csv(self, request):
        """The tracker, with its filters, as CSV."""
        return self._export(request, "csv")

    @path("recommandations/xlsx/", name="tracker_xlsx")
    def tracker_xlsx(self, request):
        """The tracker, with its filters, as an XLSX workbook."""
        return self._export(request, "xlsx")

    @path("recommandations/document-assemblee/", name="assembly_document")
    def assembly_document(self, request):
        """The general assembly's document: every recommendation the reader may see (one group's with
        ``?groupe=``), by group, laid out for print. Above ASSEMBLY_DOCUMENT_MAX_RECOMMENDATIONS, the
        reader is asked for one group at a time (see docs/performance.md for the figures)."""
        groups, group, _tag, _tags, _facts, _notice, recommendations = self._tracker_query(request)
        recommendations = recommendations.select_related("board_decision__merged_into")
        limit = settings.ASSEMBLY_DOCUMENT_MAX_RECOMMENDATIONS
        if recommendations.count() > limit:
            return self._document_refused(
                request,
                _(
                    "Le document complet compterait plus de %(limit)s recommandations : choisissez un groupe "
                    "de travail pour le télécharger groupe par groupe."
                )
                % {"limit": limit},
                groups,
                status=413,
            )
        for hook in hooks.get_hooks("intranet_slow_download"):
            answer = hook(request)  # "being prepared", when the task queue makes it (sitewide/)
            if answer is not None:
                return answer
        try:
            pdf = exports.as_pdf(
                request,
                self,
                show_merges(request, attach_working_groups(list(recommendations))),
                [group] if group else groups,
                group,
            )
        except exports.DocumentUnavailable:
            return self._document_refused(
                request,
                _(
                    "Le document PDF ne peut pas être produit sur ce serveur pour le moment. "
                    "Réessayez plus tard."
                ),
                groups,
                status=503,
            )
        response = HttpResponse(pdf, content_type="application/pdf")
        # An attachment: the link downloads it, and a refusal (an HTML page) is shown, not saved.
        response["Content-Disposition"] = f'attachment; filename="{exports.file_name(self, "pdf", group)}"'
        return response

    def _document_refused(self, request, message, groups, status):
        response = self.render(
            request,
            context_overrides={"message": message, "groups": groups},
            template="workinggroups/assembly_document_refused.html",
        )
        response.status_code = status
        return response

    @path("comptes-rendus/", name="reports")
    def reports(self, request):
        """Every meeting report of the programme, newest first, filterable by group and tag."""
        groups = list(self.working_groups(request))
        group, tag, notice = self._listing_filters(request, groups)
        reports, tags = meeting_reports_listing(request, self, group=group, tag=tag)
        page_obj = Paginator(reports, 20).get_page(request.GET.get("page"))
        return self.render(
            request,
            context_overrides={
                "groups": groups,
                "selected_group": group,
                "tags": tags,
                "selected_tag": tag,
                "notice": notice,
                "title_details": self._title_details(page_obj, group, tag),
                "page_obj": page_obj,
                "reports": attach_working_groups(page_obj.object_list),
            },
            template="workinggroups/meeting_report_listing.html",
        )
