"""Admin for the minutes library: access requests (facilitators and the board), the download log (board)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import re_path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from wagtail import hooks
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, modeladmin_register

from workinggroups.choices import MembershipRole

from .access import openable_documents
from .forms import GrantForm, RefuseForm
from .models import AccessRequest, DownloadLogEntry
from .notifications import notify_decision


def is_board(user):
    return user.is_active and (
        user.is_superuser or user.groups.filter(name=settings.BOARD_GROUP_NAME).exists()
    )


def is_facilitator(user):
    return user.working_group_memberships.filter(role=MembershipRole.FACILITATOR).exists()


# Access requests


class AccessRequestPermissionHelper(PermissionHelper):
    """Requests are decided, never created, edited or deleted here; a facilitator sees their groups' only."""

    def user_can_list(self, user):
        return user.is_active and (is_board(user) or is_facilitator(user))

    def user_can_create(self, user):
        return False

    def user_can_inspect_obj(self, user, obj):
        return AccessRequest.objects.decidable_by(user).filter(pk=obj.pk).exists()

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False

    def user_can_decide(self, user, obj):
        return obj.status == AccessRequest.Status.PENDING and self.user_can_inspect_obj(user, obj)


class AccessRequestButtonHelper(ButtonHelper):
    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        buttons = super().get_buttons_for_obj(obj, exclude, classnames_add, classnames_exclude)
        if self.permission_helper.user_can_decide(self.request.user, obj):
            for action, label in (("grant", _("Accorder")), ("refuse", _("Refuser"))):
                buttons.append(
                    {
                        "url": self.url_helper.get_action_url(action, obj.pk),
                        "label": label,
                        "classname": "button button-small"
                        + (" button-secondary" if action == "refuse" else ""),
                        "title": label,
                    }
                )
        return buttons


def decide_view(model_admin, action):
    """Grant (with a duration) or refuse (with a reason) one pending request, then email the requester."""
    form_class = GrantForm if action == "grant" else RefuseForm

    def view(request, instance_pk):
        access_request = get_object_or_404(AccessRequest.objects.select_related("requester"), pk=instance_pk)
        helper = model_admin.permission_helper
        if not helper.user_can_inspect_obj(request.user, access_request):
            raise PermissionDenied
        index_url = model_admin.url_helper.index_url
        if access_request.status != AccessRequest.Status.PENDING:
            messages.error(request, _("Cette demande a déjà reçu une réponse : rien n'a été modifié."))
            return redirect(index_url)
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if action == "grant":
                access_request.grant(
                    request.user, days=form.cleaned_data["days"], note=form.cleaned_data["note"]
                )
                messages.success(request, _("Accès accordé ; la personne est prévenue par e-mail."))
            else:
                access_request.refuse(request.user, note=form.cleaned_data["note"])
                messages.success(request, _("Demande refusée ; la personne est prévenue par e-mail."))
            notify_decision(access_request)
            return redirect(index_url)
        return TemplateResponse(
            request,
            "documents/admin/decide_access_request.html",
            {
                "access_request": access_request,
                "form": form,
                "action": action,
                "index_url": index_url,
                "title": _("Accorder l'accès") if action == "grant" else _("Refuser l'accès"),
            },
        )

    return view


@modeladmin_register
class AccessRequestAdmin(ModelAdmin):
    model = AccessRequest
    menu_label = _lazy("Demandes d'accès aux PV")
    menu_icon = "lock"
    menu_order = 260
    permission_helper_class = AccessRequestPermissionHelper
    button_helper_class = AccessRequestButtonHelper
    inspect_view_enabled = True
    list_display = ("requester_name", "what", "working_group", "status_label", "created_at", "expires_at")
    list_filter = ("status", "working_group")
    search_fields = ("requester__username", "requester__first_name", "requester__last_name", "reason")
    list_select_related = ("requester", "working_group", "document")
    inspect_view_fields = (
        "requester",
        "working_group",
        "document",
        "reason",
        "status",
        "created_at",
        "decided_by",
        "decided_at",
        "expires_at",
        "decision_note",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).decidable_by(request.user)

    def requester_name(self, obj):
        user = obj.requester
        return (
            f"{user.get_full_name()} ({user.get_username()})" if user.get_full_name() else user.get_username()
        )

    requester_name.short_description = _lazy("demandeur·se")
    requester_name.admin_order_field = "requester__last_name"

    def what(self, obj):
        return obj.target_label

    what.short_description = _lazy("demande")

    def status_label(self, obj):
        return obj.current_status.label

    status_label.short_description = _lazy("statut")

    def get_admin_urls_for_registration(self):
        urls = super().get_admin_urls_for_registration()
        for action in ("grant", "refuse"):
            urls += (
                re_path(
                    self.url_helper.get_action_url_pattern(action),
                    decide_view(self, action),
                    name=self.url_helper.get_action_url_name(action),
                ),
            )
        return urls


# Download log


class DownloadLogPermissionHelper(PermissionHelper):
    """Read-only, and for the board only."""

    def user_can_list(self, user):
        return is_board(user)

    def user_can_create(self, user):
        return False

    def user_can_inspect_obj(self, user, obj):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


@modeladmin_register
class DownloadLogAdmin(ModelAdmin):
    model = DownloadLogEntry
    menu_label = _lazy("Journal des téléchargements")
    menu_icon = "list-ul"
    menu_order = 270
    permission_helper_class = DownloadLogPermissionHelper
    list_display = ("downloaded_at", "user", "document_title", "working_group")
    list_filter = ("working_group", "downloaded_at")
    search_fields = ("user__username", "user__first_name", "user__last_name", "document_title")
    list_select_related = ("user", "working_group")
    list_export = ("downloaded_at", "user", "document_title", "working_group", "ip_hash")
    export_filename = "journal-des-telechargements"


# Choosers


@hooks.register("construct_document_chooser_queryset")
def only_documents_the_user_may_open(documents, request):
    """The chooser lists what the person may open, plus what they uploaded themselves (to link it)."""
    return openable_documents(request.user, documents) | documents.filter(uploaded_by_user=request.user)


@hooks.register("describe_collection_contents")
def keep_minutes_collections(collection):
    """A group's minutes collection is never deleted in the admin, even empty: it carries the restriction."""
    from .models import MinutesCollection

    if not MinutesCollection.objects.filter(collection=collection).exists():
        return None
    return {
        "count": 1,
        "count_text": _("la collection des procès-verbaux d'un groupe de travail"),
        "url": reverse("wagtailadmin_collections:edit", args=[collection.pk]),
    }
