from django import forms
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList, TabbedInterface
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from privacy.rules import visible_pages

from ..choices import RICH_TEXT_FEATURES, MeetingKind
from ..forms import MeetingReportPageForm
from ..people import person_sort_key
from ..search_text import SearchResultText
from ..tree import ancestor_of_type


class MeetingReportPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "workinggroups.MeetingReportPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class MeetingReportPage(SearchResultText, Page):
    """The report of one meeting of a working group: monthly meeting, expert hearing or site visit."""

    date = models.DateField(_("date de la réunion"))
    kind = models.CharField(
        _("type de réunion"), max_length=10, choices=MeetingKind.choices, default=MeetingKind.MONTHLY
    )
    attendees = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("membres présents"),
        blank=True,
        related_name="attended_meetings",
    )
    guests = models.TextField(
        _("invités et experts"),
        blank=True,
        help_text=_("Une personne par ligne, avec son organisation."),
    )
    summary = RichTextField(_("résumé"), features=RICH_TEXT_FEATURES)
    decisions = RichTextField(_("décisions"), blank=True, features=RICH_TEXT_FEATURES)
    next_steps = RichTextField(_("prochaines étapes"), blank=True, features=RICH_TEXT_FEATURES)
    tags = ClusterTaggableManager(through=MeetingReportPageTag, blank=True, verbose_name=_("mots-clés"))
    minutes = models.ForeignKey(
        settings.WAGTAILDOCS_DOCUMENT_MODEL,
        verbose_name=_("procès-verbal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Le PV de la réunion, dans la bibliothèque restreinte du groupe."),
    )

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("date"), FieldPanel("kind")]),
        FieldPanel("summary"),
        FieldPanel("decisions"),
        FieldPanel("next_steps"),
        FieldPanel("tags"),
    ]
    participants_panels = [
        FieldPanel("attendees", widget=forms.CheckboxSelectMultiple),
        FieldPanel("guests"),
    ]
    documents_panels = [FieldPanel("minutes")]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Contenu")),
            ObjectList(participants_panels, heading=_("Participants")),
            ObjectList(documents_panels, heading=_("Procès-verbal")),
            ObjectList(Page.promote_panels, heading=_("Promotion")),
            ObjectList(Page.settings_panels, heading=_("Paramètres")),
        ]
    )
    base_form_class = MeetingReportPageForm

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("decisions"),
        index.SearchField("next_steps"),
        index.SearchField("guests"),
        index.FilterField("date"),
        index.FilterField("kind"),
        index.RelatedFields("tags", [index.SearchField("name"), index.FilterField("slug")]),
    ]
    search_result_fields = ("summary", "decisions", "next_steps")
    search_result_date_field = "date"

    parent_page_types = ["workinggroups.WorkingGroupPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("compte rendu de réunion")
        verbose_name_plural = _("comptes rendus de réunion")
        # The latest reports (the home page's six): read in this order from the index, instead of
        # sorting the 20,000 reports on every render.
        indexes = [models.Index(fields=["-date", "-page_ptr"], name="report_latest_first")]

    def group_page(self):
        """The working group this report is (or will be, while it is created) filed under."""
        if self.path and self.depth:
            return ancestor_of_type(self, "workinggroups.WorkingGroupPage")
        return getattr(self, "_intended_group", None)

    def clean(self):
        """Other apps check what they own through the ``clean_meeting_report`` hook: the library
        checks that the minutes linked here are in the group's restricted collection."""
        super().clean()
        group = self.group_page()
        if group is None:
            return
        errors = {}
        for check in hooks.get_hooks("clean_meeting_report"):
            for field, message in (check(self, group) or {}).items():
                errors.setdefault(field, []).append(message)
        if errors:
            raise ValidationError(errors)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["working_group"] = ancestor_of_type(self, "workinggroups.WorkingGroupPage")
        # Only its URLs are shown (its lists'): no query for its own fields.
        context["programme"] = ancestor_of_type(self, "workinggroups.ProgrammePage", deferred=True)
        context["attendee_list"] = sorted(self.attendees.all(), key=person_sort_key)
        context["guest_list"] = [line.strip() for line in self.guests.splitlines() if line.strip()]
        # The recommendations this meeting fed (recommendations.py names the link), as far as the
        # reader may see them.
        recommendations = apps.get_model("workinggroups.RecommendationPage").objects.filter(
            sources__report=self
        )
        context["fed_recommendations"] = list(
            visible_pages(request, recommendations).distinct().order_by("number", "pk")
        )
        # Apps above this one add what they own (meetings: the facts of the meeting this reports on).
        for add_context in hooks.get_hooks("meeting_report_context"):
            context.update(add_context(request, self) or {})
        return context
