"""Planning meetings in the Wagtail admin (a ModelViewSet): a group's members, facilitator and board
liaison, and the editors, plan the meetings of the groups they may draft pages under, and only those.

The scoping is a permission policy and a queryset (meetings/rules.py), not a menu: another group's
meeting is a 404 by its address, and the group field offers only the person's groups."""

import django_filters
from django import forms
from django.db.models import Count, Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy

from .choices import Response
from .models import Meeting
from .rules import plannable_group_ids, plannable_groups

ACTIONS = {"add", "change", "delete", "view"}


class PlanningPolicy(BasePermissionPolicy):
    """Who may plan which meetings: those of the groups they may draft pages under."""

    def user_has_permission(self, user, action):
        return action in ACTIONS and bool(plannable_group_ids(user))

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return action in ACTIONS and instance.group_id in plannable_group_ids(user)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(self.user_has_permission_for_instance(user, action, instance) for action in actions)

    def instances_user_has_permission_for(self, user, action):
        if action not in ACTIONS:
            return Meeting.objects.none()
        return Meeting.objects.filter(group__in=plannable_group_ids(user))

    def instances_user_has_any_permission_for(self, user, actions):
        return self.instances_user_has_permission_for(user, next(iter(set(actions) & ACTIONS), None))

    def users_with_permission(self, action):
        raise NotImplementedError("nobody lists the planners of every group")


class MeetingForm(WagtailAdminModelForm):
    """The group field offers only the groups the person may plan for; the model checks the rest."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "group" in self.fields and self.for_user is not None:
            self.fields["group"].queryset = plannable_groups(self.for_user).order_by("title")
            self.fields["group"].empty_label = None
        if "group" in self.fields and self.instance.pk is not None:
            self.fields["group"].disabled = True  # a meeting stays in its group (meetings/models.py)
        if "video_link" in self.fields:
            self.fields["video_link"].widget = forms.URLInput(attrs={"placeholder": "https://"})


class ScopedObjectMixin:
    """Every screen of one meeting (edit, delete, history, usage) finds it among the person's own
    groups' only: 404 otherwise, whatever the address says."""

    def get_object(self, *args, **kwargs):
        meeting = super().get_object(*args, **kwargs)
        if meeting.group_id not in plannable_group_ids(self.request.user):
            raise Http404
        return meeting


class MeetingFilterSet(WagtailFilterSet):
    """The listing's filters: the group filter offers the person's own groups, not every title."""

    group = django_filters.ModelChoiceFilter(
        label=_("groupe de travail"),
        queryset=lambda request: plannable_groups(request.user).order_by("title"),
    )

    class Meta:
        model = Meeting
        fields = ["group", "status", "kind"]


class MeetingIndexView(generic.IndexView):
    def get_base_queryset(self):
        return (
            PlanningPolicy(Meeting)
            .instances_user_has_permission_for(self.request.user, "change")
            .select_related("group")
            .annotate(
                yes=Count("answers", filter=Q(answers__response=Response.YES)),
                maybe=Count("answers", filter=Q(answers__response=Response.MAYBE)),
                no=Count("answers", filter=Q(answers__response=Response.NO)),
            )
        )


class MeetingCreateView(generic.CreateView):
    def save_instance(self):
        self.form.instance.created_by = self.request.user
        return super().save_instance()


class MeetingEditView(ScopedObjectMixin, generic.EditView):
    pass


class MeetingHistoryView(ScopedObjectMixin, HistoryView):
    pass


class MeetingUsageView(ScopedObjectMixin, UsageView):
    pass


class MeetingDeleteView(ScopedObjectMixin, generic.DeleteView):
    pass


def answers_summary(meeting):
    return _("%(yes)s oui · %(maybe)s peut-être · %(no)s non") % {
        "yes": meeting.yes,
        "maybe": meeting.maybe,
        "no": meeting.no,
    }


class MeetingViewSet(ModelViewSet):
    model = Meeting
    icon = "date"
    menu_label = _("Réunions")
    menu_order = 250
    add_to_admin_menu = True
    url_prefix = "reunions"
    name = "meeting_planning"
    copy_view_enabled = False
    index_view_class = MeetingIndexView
    add_view_class = MeetingCreateView
    edit_view_class = MeetingEditView
    delete_view_class = MeetingDeleteView
    history_view_class = MeetingHistoryView
    usage_view_class = MeetingUsageView
    filterset_class = MeetingFilterSet
    search_fields = ["title", "place", "agenda"]
    ordering = ["-start"]
    list_display = [
        "title",
        "group",
        Column("start", label=_("début"), sort_key="start"),
        "status",
        Column("answers", label=_("réponses"), accessor=answers_summary),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("group", widget=forms.Select),
            FieldRowPanel([FieldPanel("kind"), FieldPanel("status")]),
            FieldPanel("title"),
            FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
            MultiFieldPanel([FieldPanel("place"), FieldPanel("video_link")], heading=_("Où")),
            FieldPanel("agenda"),
            FieldPanel("guests"),
        ],
        base_form_class=MeetingForm,
    )
