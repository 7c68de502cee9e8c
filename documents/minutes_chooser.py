"""The chooser behind a report's "Procès-verbal" tab: the group's minutes, and an upload with no choice.

Wagtail's document chooser lets the person pick any collection and kind for an upload, and a
wrong pick would make the minutes readable by every member. This chooser (a Wagtail
ChooserViewSet, the documented way to add one) is opened with the report's group
(``?groupe=<id>``): it lists that group's minutes the person may open or uploaded themselves,
and files an upload in the group's restricted collection as minutes. An upload for a report
that is never saved stays there, readable by the group and the board only.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import BaseChooser
from wagtail.documents.views.chooser import (
    DocumentChooseResultsView,
    DocumentChooserUploadView,
    DocumentChooserViewSet,
    DocumentChooseView,
)
from wagtail.models import Collection
from wagtail.permissions import policy_registry

from privacy.ids import parse_id
from workinggroups.models import WorkingGroupPage

from .access import openable_documents, user_can_open
from .comparison import label as restricted_label
from .library import collection_for_group
from .models import LibraryDocument

GROUP_PARAMETER = "groupe"


class MinutesOfGroupMixin:
    """The working group named in the query string, whose minutes collection the person may add to."""

    @cached_property
    def minutes_group(self):
        group = WorkingGroupPage.objects.filter(pk=parse_id(self.request.GET.get(GROUP_PARAMETER))).first()
        if group is None or collection_for_group(group) is None:
            raise Http404
        return group

    @cached_property
    def minutes_collection(self):
        return collection_for_group(self.minutes_group)

    def may_add_minutes(self):
        policy = policy_registry.get_by_type(LibraryDocument)
        allowed = policy.collections_user_has_permission_for(self.request.user, "add")
        return allowed.filter(pk=self.minutes_collection.pk).exists()

    def can_create(self):
        return self.may_add_minutes()

    def get_object_list(self):
        # Collection ids, not a path condition: the chooser's search can only filter on indexed fields.
        subtree = Collection.objects.filter(path__startswith=self.minutes_collection.path).values_list(
            "pk", flat=True
        )
        in_collection = LibraryDocument.objects.filter(collection_id__in=list(subtree))
        user = self.request.user
        return openable_documents(user, in_collection) | in_collection.filter(uploaded_by_user=user)

    def get_creation_form_kwargs(self):
        return {**super().get_creation_form_kwargs(), "minutes_of": self.minutes_group}


class MinutesChooseView(MinutesOfGroupMixin, DocumentChooseView):
    @cached_property
    def collections(self):
        return None  # one collection: no collection filter to offer


class MinutesChooseResultsView(MinutesOfGroupMixin, DocumentChooseResultsView):
    @cached_property
    def collections(self):
        return None


class MinutesUploadView(MinutesOfGroupMixin, DocumentChooserUploadView):
    def dispatch(self, request, *args, **kwargs):
        self.minutes_group  # noqa: B018 - a 404 for an unknown group, before anything else
        if not self.may_add_minutes():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class BaseMinutesChooser(BaseChooser):
    """The chooser widget of one group's minutes: its modal URL names the group."""

    classname = "document-chooser"
    js_constructor = "DocumentChooser"
    group_id = None
    user = None

    def __init__(self, group_id=None, user=None, **kwargs):
        super().__init__(**kwargs)
        self.group_id, self.user = group_id, user
        self.model = LibraryDocument

    def get_display_title(self, instance):
        """The chosen minutes by title for those who may open them; by meeting date for the others
        (an editor who writes the report may link the minutes without reading them)."""
        if self.user is not None and user_can_open(self.user, instance):
            return instance.title
        return restricted_label(instance)

    def get_chooser_modal_url(self):
        return f"{super().get_chooser_modal_url()}?{GROUP_PARAMETER}={self.group_id}"

    @property
    def media(self):
        return DocumentChooserViewSet.base_widget_class().media


class MinutesChooserViewSet(DocumentChooserViewSet):
    choose_view_class = MinutesChooseView
    choose_results_view_class = MinutesChooseResultsView
    create_view_class = MinutesUploadView
    base_widget_class = BaseMinutesChooser
    register_widget = False  # only the reports' minutes field uses it (documents/wagtail_hooks.py)
    preserve_url_parameters = ["multiple", GROUP_PARAMETER]
    choose_one_text = _("Choisir ou envoyer le procès-verbal")
    choose_another_text = _("Choisir un autre procès-verbal")
    create_action_label = _("Envoyer le procès-verbal")
    page_title = _("Procès-verbal de la réunion")


viewset = MinutesChooserViewSet(
    "library_minutes_chooser", model=LibraryDocument, url_prefix="documents/minutes-chooser"
)
