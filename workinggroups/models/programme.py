from django.core.paginator import Paginator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from privacy.rules import visible_pages

from ..blocks import ResourceLinkBlock, TestimonialBlock
from ..choices import RICH_TEXT_FEATURES, DecisionStatus, ProgrammeStatus
from ..search_text import SearchResultText
from .decisions import AFTER_THE_ASSEMBLY, BOARD_POSITIONS
from .groups import WorkingGroupPage
from .listings import (
    ASSEMBLY_FILTER,
    attach_working_groups,
    groups_with_people,
    meeting_reports_listing,
    recommendations_tracker,
)


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
        return self.render(
            request, context_overrides={"groups": groups_with_people(request, self.working_groups(request))}
        )

    @staticmethod
    def _title_details(page_obj, group=None, tag=None, position=None, assembly=None):
        """What tells a filtered or later page of a listing from the first one, for its <title>."""
        details = [str(group.title)] if group else []
        if tag:
            details.append(str(_("mot-clé « %(tag)s »") % {"tag": tag}))
        if position:
            details.append(str(DecisionStatus(position).label))
        if assembly is not None:
            details.append(str(_("présentées à l'assemblée") if assembly else _("pas encore présentées")))
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
    def _decision_filters(request):
        """The board's position and the assembly's fact asked for; an unknown value is said, not hidden.
        ``statut`` is what links made before the two facts were apart said (a status)."""
        position = request.GET.get("position") or None
        assembly = ASSEMBLY_FILTER.get(request.GET.get("assemblee", ""))
        notice = None
        legacy = request.GET.get("statut") or None
        if legacy and position is None:
            if legacy in AFTER_THE_ASSEMBLY:
                assembly = True
            else:
                position = legacy
        if position and position not in BOARD_POSITIONS:
            notice, position = _("Cette position du Conseil n'existe pas : toutes sont affichées."), None
        if request.GET.get("assemblee") and assembly is None:
            notice = _("Ce choix pour l'assemblée générale n'existe pas : toutes sont affichées.")
        return position, assembly, notice

    @path("recommandations/", name="tracker")
    def tracker(self, request):
        """Every recommendation of the programme, filterable by group and tag, paginated."""
        groups = list(self.working_groups(request))
        group, tag, notice = self._listing_filters(request, groups)
        position, assembly, position_notice = self._decision_filters(request)
        notice = notice or position_notice
        recommendations, tags = recommendations_tracker(
            request, self, group=group, tag=tag, position=position, assembly=assembly
        )
        page_obj = Paginator(recommendations, 20).get_page(request.GET.get("page"))
        return self.render(
            request,
            context_overrides={
                "groups": groups,
                "selected_group": group,
                "tags": tags,
                "selected_tag": tag,
                "notice": notice,
                "title_details": self._title_details(page_obj, group, tag, position, assembly),
                "positions": [(value.value, value.label) for value in BOARD_POSITIONS],
                "selected_position": position,
                "selected_assembly": request.GET.get("assemblee") if assembly is not None else "",
                "page_obj": page_obj,
                "recommendations": attach_working_groups(page_obj.object_list),
            },
            template="workinggroups/recommendation_tracker.html",
        )

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
