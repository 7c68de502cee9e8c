import unicodedata

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from wagtail.documents.forms import BaseDocumentForm
from wagtail.models import Collection

from .filing import Filing, is_board
from .library import RESOURCES, archives_path, collection_for_group, minutes_link_for, minutes_parents
from .models import AccessRequest, DocumentKind
from .storage import StoreRefused
from .uploads import UploadRefused, check_upload, clean_upload_name


def strip_invisible(text):
    """Remove control and direction characters that make a name read differently from what it is."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in {"Cc", "Cf"}).strip()


class LibraryDocumentForm(BaseDocumentForm):
    """Wagtail's document form (WAGTAILDOCS_DOCUMENT_FORM_BASE) with the library's upload checks.

    A refused file is a form error on the file field: nothing reaches storage. The collections
    offered are the ones the filing rule allows (documents/filing.py, which the model enforces
    whatever the form says): never the parent "Procès-verbaux", the archives only to the board,
    and for a document under a restriction only collections under the same restriction. A new
    document starts in "Ressources". With ``minutes_of=<group page>`` (the report's minutes
    uploader) there is nothing to choose: the group's restricted collection, kind "minutes".
    """

    def __init__(self, *args, minutes_of=None, **kwargs):
        user = kwargs.get("user")
        super().__init__(*args, **kwargs)
        if minutes_of is not None:
            self._file_as_minutes_of(minutes_of)
        else:
            self._offer_allowed_collections(user)

    def _file_as_minutes_of(self, group):
        collection = collection_for_group(group)
        self.collections = Collection.objects.filter(pk=collection.pk)
        for name in ("collection", "kind", "working_group"):
            self.fields.pop(name, None)
        self.instance.collection = collection
        self.instance.kind = DocumentKind.MINUTES
        self.instance.working_group = group

    def _offer_allowed_collections(self, user):
        if "collection" not in self.fields:
            return
        collections = self.collections.exclude(pk__in=[c.pk for c in minutes_parents()])
        if user is not None and not is_board(user):
            collections = collections.exclude(path__startswith=archives_path())
        current = self.instance.collection if self.instance.pk else None
        if current is not None:
            restricted = Filing().cover(current.pk).innermost_restricted_path()
            if restricted:
                collections = collections.filter(path__startswith=restricted)
                help_text = _(
                    "Ce document est dans une collection restreinte : il ne peut aller que dans une "
                    "collection qui garde la même restriction. Seul le Conseil d'administration peut "
                    "lever une restriction."
                )
                if user is not None and is_board(user):
                    help_text = format_html(
                        '{} <a href="{}">{}</a>',
                        help_text,
                        reverse("library_release", args=[self.instance.pk]),
                        _("Lever la restriction de ce document"),
                    )
                self.fields["collection"].help_text = help_text
        self.collections = collections
        self.fields["collection"].queryset = collections
        if current is None:
            resources = collections.filter(name=RESOURCES, depth=2).first()
            offered = self.initial.get("collection")
            if resources is not None and not collections.filter(pk=offered or 0).exists():
                self.initial["collection"] = resources.pk  # not the root that Wagtail defaults to

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded is None or "file" not in self.changed_data:
            return uploaded
        try:
            check_upload(uploaded)
        except UploadRefused as refusal:
            raise ValidationError(str(refusal), code="refused_upload") from refusal
        try:
            self._meta.model._meta.get_field("file").storage.check_writable(uploaded.size)
        except StoreRefused as refusal:
            raise ValidationError(
                _(
                    "La bibliothèque ne peut pas enregistrer de fichier en ce moment (espace plein ou "
                    "en lecture seule) : rien n'a été enregistré. Réessayez plus tard ou prévenez "
                    "l'équipe technique."
                ),
                code="store_refused",
            ) from refusal
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
        # A document put in a group's minutes collection with the default kind is that group's minutes.
        collection = cleaned_data.get("collection")
        if collection is not None and cleaned_data.get("kind") == DocumentKind.RESOURCE:
            link = minutes_link_for(collection)
            if link is not None and not link.archived:
                cleaned_data["kind"] = DocumentKind.MINUTES
        return cleaned_data

    def save(self, commit=True):
        if getattr(self, "original_filename", None):
            self.instance.original_filename = self.original_filename[:255]
        return super().save(commit=commit)


class ReleaseForm(forms.Form):
    """The board lifts a document's restriction: where it goes, as what, and why (kept in the log)."""

    collection = forms.ModelChoiceField(
        label=_lazy("Nouvelle collection"), queryset=Collection.objects.none()
    )
    kind = forms.ChoiceField(label=_lazy("Type de document"))
    reason = forms.CharField(
        label=_lazy("Pourquoi ce document devient-il lisible par plus de personnes ?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_lazy("Gardé dans l'historique du document, avec votre nom et la date."),
        error_messages={"required": _lazy("Indiquez pourquoi la restriction est levée.")},
    )

    def __init__(self, *args, document, **kwargs):
        super().__init__(*args, **kwargs)
        parents = [c.pk for c in minutes_parents()]
        self.fields["collection"].queryset = (
            Collection.objects.filter(depth__gt=1).exclude(pk__in=parents).exclude(pk=document.collection_id)
        )
        self.fields["kind"].choices = [
            (k, label) for k, label in DocumentKind.choices if k != DocumentKind.MINUTES
        ]
        self.fields["kind"].initial = (
            DocumentKind.REPORT if document.kind == DocumentKind.MINUTES else document.kind
        )


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
