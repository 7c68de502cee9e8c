import unicodedata

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from wagtail.documents.forms import BaseDocumentForm

from .models import AccessRequest, DocumentKind, MinutesCollection
from .uploads import UploadRefused, check_upload, clean_upload_name


def minutes_link_for(collection):
    """The minutes collection ``collection`` is (or is inside), if any."""
    if collection is None:
        return None
    for link in MinutesCollection.objects.select_related("collection", "working_group"):
        if collection.path.startswith(link.collection.path):
            return link
    return None


def strip_invisible(text):
    """Remove control and direction characters that make a name read differently from what it is."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in {"Cc", "Cf"}).strip()


class LibraryDocumentForm(BaseDocumentForm):
    """Wagtail's document form (WAGTAILDOCS_DOCUMENT_FORM_BASE) with the library's upload checks.

    A refused file is a form error on the file field: nothing reaches storage. A document
    placed in a group's minutes collection takes that group and the kind "minutes".
    """

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded is None or "file" not in self.changed_data:
            return uploaded
        try:
            check_upload(uploaded)
        except UploadRefused as refusal:
            raise ValidationError(str(refusal), code="refused_upload") from refusal
        self.original_filename = uploaded.name
        uploaded.name = clean_upload_name(uploaded.name)
        return uploaded

    def clean_title(self):
        title = strip_invisible(self.cleaned_data.get("title", ""))
        if not title:
            raise ValidationError(_("Donnez un titre lisible à ce document."))
        return title

    def clean(self):
        cleaned_data = super().clean()
        collection = cleaned_data.get("collection")
        link = minutes_link_for(collection)
        kind = cleaned_data.get("kind")
        if "kind" in self.fields and kind == DocumentKind.MINUTES and link is None and collection is not None:
            self.add_error(
                "collection",
                _(
                    "Un procès-verbal se range dans la collection « Procès-verbaux » de son groupe de "
                    "travail : c'est elle qui en réserve la lecture au groupe et au Conseil."
                ),
            )
        group = cleaned_data.get("working_group")
        if link is not None and group is not None and link.working_group_id not in (None, group.pk):
            self.add_error(
                "working_group",
                _("Cette collection est celle du groupe « %(group)s ».")
                % {"group": link.working_group.title},
            )
        self.minutes_link = link
        return cleaned_data

    def save(self, commit=True):
        if getattr(self, "original_filename", None):
            self.instance.original_filename = self.original_filename[:255]
        link = getattr(self, "minutes_link", None)
        if link is not None and link.working_group_id:
            self.instance.working_group_id = link.working_group_id
            if self.instance.kind == DocumentKind.RESOURCE:
                self.instance.kind = DocumentKind.MINUTES
        return super().save(commit=commit)


class AccessRequestForm(forms.Form):
    reason = forms.CharField(
        label=_lazy("Pourquoi souhaitez-vous lire ces procès-verbaux ?"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        min_length=10,
        max_length=2000,
        help_text=_lazy("Quelques phrases suffisent : l'animation du groupe et le Conseil les liront."),
        error_messages={
            "required": _lazy("Expliquez en quelques mots pourquoi vous demandez l'accès."),
            "min_length": _lazy("Expliquez en quelques mots de plus pourquoi vous demandez l'accès."),
        },
    )


class GrantForm(forms.Form):
    days = forms.IntegerField(
        label=_lazy("Durée de l'accès (jours)"),
        min_value=1,
        max_value=365,
        initial=lambda: settings.ACCESS_GRANT_DAYS,
    )
    note = forms.CharField(
        label=_lazy("Message pour la personne (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RefuseForm(forms.Form):
    note = forms.CharField(
        label=_lazy("Motif du refus, transmis à la personne"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _lazy("Indiquez le motif du refus : la personne le recevra.")},
    )


def pending_duplicate(user, group, document):
    pending = AccessRequest.objects.pending().filter(requester=user, working_group=group)
    return pending.filter(document=document).first() if document else pending.filter(document=None).first()
