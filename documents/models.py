from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.documents.models import AbstractDocument, Document


class DocumentKind(models.TextChoices):
    MINUTES = "minutes", _("procès-verbal")
    PRESENTATION = "presentation", _("présentation")
    REPORT = "report", _("rapport")
    RESOURCE = "resource", _("ressource")


class LibraryDocument(AbstractDocument):
    """A document of the intranet's library: minutes, presentations, reports, resources.

    Set as WAGTAILDOCS_DOCUMENT_MODEL from the first migration, because swapping
    the document model on a live site is a data migration nobody wants.
    """

    working_group = models.ForeignKey(
        "workinggroups.WorkingGroupPage",
        verbose_name=_("groupe de travail"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
    )
    kind = models.CharField(
        _("type de document"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.RESOURCE
    )
    meeting_date = models.DateField(_("date de la réunion"), null=True, blank=True)

    admin_form_fields = Document.admin_form_fields + ("working_group", "kind", "meeting_date")

    class Meta(AbstractDocument.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")
