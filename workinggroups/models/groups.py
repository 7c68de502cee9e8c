import datetime
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, ObjectList, TabbedInterface
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from privacy.rules import visible_pages

from ..choices import RICH_TEXT_FEATURES, MeetingKind, MembershipRole, StakeholderProfile
from ..forms import WorkingGroupPageForm
from ..people import summarise_memberships
from ..search_text import SearchResultText
from .recommendations import RecommendationPage, show_merges
from .reports import MeetingReportPage

#: The addresses of a programme's own lists (ProgrammePage's routes: tests/test_page_cache_scopes.py
#: checks the two agree). A group there would never be reached: the programme answers first.
PROGRAMME_LIST_SLUGS = frozenset({"recommandations", "comptes-rendus"})


class WorkingGroupPage(SearchResultText, Page):
    """A working group: its mission, its method and its 10-12 members, facilitator and board liaison."""

    mission = models.TextField(
        _("mission"), help_text=_("En une ou deux phrases : ce que le groupe doit produire.")
    )
    stakes = RichTextField(_("enjeux"), blank=True, features=RICH_TEXT_FEATURES)
    methodology = RichTextField(_("méthodologie"), blank=True, features=RICH_TEXT_FEATURES)
    max_size = models.PositiveSmallIntegerField(
        _("nombre maximum de membres"),
        default=settings.WORKING_GROUP_DEFAULT_MAX_SIZE,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Sans compter l'animateur·rice ni le membre du Conseil d'administration."),
    )
    django_group = models.OneToOneField(
        "auth.Group",
        verbose_name=_("groupe d'utilisateurs"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="working_group_page",
        help_text=_("Tenu à jour automatiquement à partir des membres du groupe."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("mission"),
        FieldPanel("stakes"),
        FieldPanel("methodology"),
    ]
    members_panels = [
        FieldPanel("max_size"),
        InlinePanel("memberships", heading=_("Membres"), label=_("membre")),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Contenu")),
            ObjectList(members_panels, heading=_("Membres")),
            ObjectList(Page.promote_panels, heading=_("Promotion")),
            ObjectList(Page.settings_panels, heading=_("Paramètres")),
        ]
    )
    base_form_class = WorkingGroupPageForm

    search_fields = Page.search_fields + [
        index.SearchField("mission"),
        index.SearchField("stakes"),
        index.SearchField("methodology"),
    ]
    search_result_fields = ("mission", "stakes")

    parent_page_types = ["workinggroups.ProgrammePage"]
    subpage_types = ["workinggroups.MeetingReportPage", "workinggroups.RecommendationPage"]

    class Meta:
        verbose_name = _("groupe de travail")
        verbose_name_plural = _("groupes de travail")

    def clean(self):
        super().clean()
        if self.slug in PROGRAMME_LIST_SLUGS:
            raise ValidationError(
                {
                    "slug": _(
                        "« %(slug)s » est l'adresse d'une liste du programme : choisissez une autre adresse "
                        "pour le groupe."
                    )
                    % {"slug": self.slug}
                }
            )

    def django_group_name_for(self, title):
        # auth.Group names are unique and at most 150 characters; the page id keeps
        # two programmes' groups of the same title apart.
        return f"GT {self.pk} · {title}"[:150]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(group_page_context(request, self))
        return context


class WorkingGroupMembership(Orderable):
    page = ParentalKey(WorkingGroupPage, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne"),
        on_delete=models.CASCADE,
        related_name="working_group_memberships",
    )
    role = models.CharField(
        _("rôle"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    profile = models.CharField(_("profil de sociétaire"), max_length=10, choices=StakeholderProfile.choices)
    note = models.CharField(_("remarque"), max_length=255, blank=True)

    panels = [FieldPanel("user"), FieldPanel("role"), FieldPanel("profile"), FieldPanel("note")]

    class Meta(Orderable.Meta):
        verbose_name = _("membre d'un groupe de travail")
        verbose_name_plural = _("membres des groupes de travail")
        constraints = [
            models.UniqueConstraint(fields=["page", "user"], name="unique_person_per_working_group")
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.page})"


class ReportRow(NamedTuple):
    """A line of a group's reports table: what it shows, read as plain values."""

    title: str
    url: str
    date: datetime.date
    kind: str
    first_published_at: datetime.datetime | None


def report_rows(request, group):
    """The group's published reports that the reader may open, oldest first, as ``ReportRow``: a
    group holds a hundred of them at full size, and as page objects they cost more to build and to
    render (Wagtail's URL of each, a page model each) than the rest of the page. A report's URL is its
    group's followed by its slug, as Wagtail builds it for a child page."""
    base = group.get_url(request)
    kinds = dict(MeetingKind.choices)
    rows = (
        visible_pages(request, MeetingReportPage.objects.child_of(group))
        .order_by("date", "pk")
        .values_list("title", "slug", "date", "kind", "first_published_at")
    )
    return [
        ReportRow(title, f"{base}{slug}/", date, kinds.get(kind, kind), published)
        for title, slug, date, kind, published in rows
    ]


def group_page_context(request, group):
    """Everything the working-group page shows, in a fixed number of queries."""
    context = summarise_memberships(group.memberships.all().select_related("user"))
    context["meetings"] = report_rows(request, group)
    context["recommendations"] = show_merges(
        request,
        list(
            visible_pages(request, RecommendationPage.objects.child_of(group))
            .order_by("number")
            .select_related("board_decision__merged_into")
        ),
    )
    return context
