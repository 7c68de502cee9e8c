"""Admin for the minutes library: access requests (facilitators and the board), the download log (board)."""

from collections import Counter

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, re_path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail.models import Collection
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, modeladmin_register

from privacy.admin_guards import chosen_document
from privacy.ids import parse_id
from privacy.modeladmin import (
    ContextualButtonHelper,
    IntranetModelAdminMixin,
    RelatedFilterWithoutEmpty,
    with_context,
)
from workinggroups.people import is_facilitator

from .access import openable_documents
from .admin_views import release_view
from .filing import RELEASE_ACTION, Filing, is_board
from .forms import GrantForm, RefuseForm
from .library import library_managed_paths, minutes_collection_problem
from .minutes_chooser import viewset as minutes_chooser_viewset
from .models import AccessRequest, DownloadLogEntry, LibraryDocument, MinutesCollection
from .notifications import notify_decision

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


class AccessRequestButtonHelper(ContextualButtonHelper):
    def button_context(self, obj):
        return _("la demande de %(person)s") % {"person": obj.requester.get_full_name() or obj.requester}

    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        buttons = super().get_buttons_for_obj(obj, exclude, classnames_add, classnames_exclude)
        if self.permission_helper.user_can_decide(self.request.user, obj):
            context = self.button_context(obj)
            for action, label in (("grant", _("Accorder")), ("refuse", _("Refuser"))):
                buttons.append(
                    {
                        "url": self.url_helper.get_action_url(action, obj.pk),
                        "label": with_context(label, context),
                        "classname": "button button-small"
                        + (" button-secondary" if action == "refuse" else ""),
                        "title": f"{label} – {context}",
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
            # The answer and its email together: a database or mail server failing half-way leaves
            # the request pending and unannounced (the facilitator gets an error page and can answer
            # again). Only a commit lost after the email went out would announce an unsaved answer.
            with transaction.atomic():
                access_request = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
                if access_request.status != AccessRequest.Status.PENDING:  # answered meanwhile
                    messages.error(
                        request, _("Cette demande a déjà reçu une réponse : rien n'a été modifié.")
                    )
                    return redirect(index_url)
                if action == "grant":
                    access_request.grant(
                        request.user, days=form.cleaned_data["days"], note=form.cleaned_data["note"]
                    )
                else:
                    access_request.refuse(request.user, note=form.cleaned_data["note"])
                notify_decision(access_request)
            if action == "grant":
                messages.success(request, _("Accès accordé ; la personne est prévenue par e-mail."))
            else:
                messages.success(request, _("Demande refusée ; la personne est prévenue par e-mail."))
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
class AccessRequestAdmin(IntranetModelAdminMixin, ModelAdmin):
    model = AccessRequest
    menu_label = _lazy("Demandes d'accès")  # short enough for the sidebar
    menu_icon = "lock"
    menu_order = 260
    permission_helper_class = AccessRequestPermissionHelper
    button_helper_class = AccessRequestButtonHelper
    inspect_view_enabled = True
    list_display = ("requester_name", "what", "working_group", "status_label", "created_at", "expires_at")
    list_filter = ("status", ("working_group", RelatedFilterWithoutEmpty))
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
class DownloadLogAdmin(IntranetModelAdminMixin, ModelAdmin):
    model = DownloadLogEntry
    menu_label = _lazy("Téléchargements")  # short enough for the sidebar
    menu_icon = "list-ul"
    menu_order = 270
    permission_helper_class = DownloadLogPermissionHelper
    list_display = ("downloaded_at", "user", "document_title", "working_group")
    list_filter = (("working_group", RelatedFilterWithoutEmpty), "downloaded_at")
    search_fields = ("user__username", "user__first_name", "user__last_name", "document_title")
    list_select_related = ("user", "working_group")
    list_export = ("downloaded_at", "user", "document_title", "working_group", "ip_hash")
    export_filename = "journal-des-telechargements"


# Choosers


@hooks.register("construct_document_chooser_queryset")
def only_documents_the_user_may_open(documents, request):
    """The chooser lists what the person may open, plus what they uploaded themselves (to link it)."""
    return openable_documents(request.user, documents) | documents.filter(uploaded_by_user=request.user)


@hooks.register("admin_known_objects")
def documents_known_in_the_admin(request, model):
    """What the choosers list: documents the person may open, or uploaded (bulk actions and the
    choosers' "chosen" step name no other: privacy/admin_guards.py)."""
    if issubclass(model, LibraryDocument):
        return openable_documents(request.user) | LibraryDocument.objects.filter(
            uploaded_by_user=request.user
        )
    return None


@hooks.register("describe_collection_contents")
def keep_minutes_collections(collection):
    """A group's minutes collection is never deleted in the admin, even empty: it carries the restriction."""
    if not MinutesCollection.objects.filter(collection=collection).exists():
        return None
    return {
        "count": 1,
        "count_text": _("la collection des procès-verbaux d'un groupe de travail"),
        "url": reverse("wagtailadmin_collections:edit", args=[collection.pk]),
    }


# Filing rule (documents/filing.py): the forms and bulk actions say it before the model refuses


@hooks.register("register_admin_viewset")
def register_minutes_chooser():
    return minutes_chooser_viewset


@hooks.register("construct_meeting_report_form")
def minutes_upload_into_the_groups_collection(form, group):
    """The report's "Procès-verbal" tab chooses among, and uploads into, the group's minutes only."""
    field = form.fields.get("minutes")
    if field is not None:
        field.widget = minutes_chooser_viewset.widget_class(group_id=group.pk, user=form.for_user)


@hooks.register("clean_meeting_report")
def minutes_of_a_report_are_in_its_groups_collection(report, group):
    if report.minutes_id is None:
        return None
    problem = minutes_collection_problem(group, report.minutes)
    return {"minutes": problem} if problem else None


@hooks.register("before_bulk_action")
def bulk_filing_obeys_the_rule(request, action_type, objects, action_class_instance):
    """ "Add to collection" would file every selected document at once: all pass the rule, or none moves."""
    if action_type != "add_to_collection" or not objects or not isinstance(objects[0], LibraryDocument):
        return None
    collection = action_class_instance.cleaned_form.cleaned_data.get("collection")
    filing = Filing()
    for document in objects:
        previous = document.collection_id
        document.collection = collection
        problems = filing.problems(document, previous_collection_id=previous)
        document.collection_id = previous
        if problems:
            messages.error(
                request,
                _("Rien n'a été déplacé. « %(title)s » : %(problem)s")
                % {"title": document.title, "problem": " ".join(problems.values())},
            )
            back = action_class_instance.next_url
            return redirect(reverse("wagtaildocs:index") if back == request.path else back)
    return None


def _managed_by_the_library(collection_id):
    """A collection under "Procès-verbaux" or the archives: its restrictions are kept by library.py."""
    collection = Collection.objects.filter(pk=parse_id(str(collection_id))).first()
    return collection is not None and any(
        collection.path.startswith(path) for path in library_managed_paths()
    )


def library_privacy_is_kept_in_code(request, collection_id=None, **kwargs):
    """Wagtail's collection privacy form would loosen or drop a group's restriction, past the log:
    the minutes collections' restrictions are set by library.py only (the board lifts a document's
    restriction one document at a time, with a reason)."""
    if _managed_by_the_library(collection_id):
        raise PermissionDenied


def minutes_collections_stay_in_place(request, pk=None, **kwargs):
    """Moving a collection out from under "Procès-verbaux" would take its documents out of their
    group's restriction: refused. Renaming a sub-collection stays possible, but "Procès-verbaux"
    and the archives keep their names: the library finds them by name (library.py), and a renamed
    parent would lose its guards and could receive documents."""
    if request.method != "POST" or not _managed_by_the_library(pk):
        return
    current = Collection.objects.get(pk=parse_id(str(pk)))
    parent = request.POST.get("parent")
    if parent is not None and parse_id(parent) != current.get_parent().pk:
        raise PermissionDenied
    if current.depth == 2 and request.POST.get("name", current.name) != current.name:
        raise PermissionDenied


@hooks.register("register_admin_guards")
def library_admin_guards():
    return {
        "wagtailadmin_collections:set_privacy": library_privacy_is_kept_in_code,
        "wagtailadmin_collections:edit": minutes_collections_stay_in_place,
        "library_minutes_chooser:chosen": chosen_document,
        "library_minutes_chooser:chosen_multiple": chosen_document,
    }


@hooks.register("register_admin_urls")
def library_admin_urls():
    return [path("documents/release/<int:document_id>/", release_view, name="library_release")]


@hooks.register("register_log_actions")
def register_release_action(actions):
    @actions.register_action(RELEASE_ACTION)
    class ReleaseFormatter(LogFormatter):
        label = _lazy("Restriction levée par le Conseil")

        def format_message(self, log_entry):
            data = log_entry.data
            return _("Restriction levée : de « %(before)s » vers « %(after)s ». Motif : %(reason)s") % {
                "before": data.get("from_collection", "?"),
                "after": data.get("to_collection", "?"),
                "reason": data.get("reason", ""),
            }


@hooks.register("intranet_profile_sections")
def my_access_requests(request):
    """On the person's own page (accounts/views.py): where their requests for minutes stand."""
    mine = list(AccessRequest.objects.filter(requester=request.user))
    statuses = Counter(str(access_request.current_status) for access_request in mine)
    return {
        "title": _("Mes demandes d'accès aux procès-verbaux"),
        "template": "documents/includes/profile_requests.html",
        "total": len(mine),
        "pending": statuses.get("pending", 0),
        "granted": statuses.get("granted", 0),
        "order": 20,
    }
