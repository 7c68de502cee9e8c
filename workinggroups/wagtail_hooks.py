"""Admin integration: the board's decisions, and refusals that keep moderation honest."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, MultiFieldPanel, ObjectList
from wagtail.admin.views.home import UserObjectsInWorkflowModerationPanel, WorkflowObjectsToModeratePanel
from wagtail.models import Page
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, modeladmin_register
from wagtail_modeladmin.views import EditView

from privacy.ids import parse_id
from privacy.modeladmin import (
    ContextualButtonHelper,
    IntranetModelAdminMixin,
    OnlyListedRelated,
    RelatedFilterWithoutEmpty,
)

from . import moderation
from .choices import Fact, MembershipRole
from .decision_forms import BoardDecisionForm
from .models import BoardDecision, FollowUpRecord, RecommendationPage, WorkingGroupMembership
from .models.decisions import TO_CARRY_OUT
from .moderation_feedback import changes_requested_banner
from .moving import move_problem
from .people import is_board, is_facilitator
from .workflow import same_content


def decision_panels(facts):
    """The edit form of a decision: the recommendation, then one section per fact in ``facts``."""
    sections = {
        Fact.POSITION: MultiFieldPanel(
            [
                FieldPanel("position"),
                FieldPanel("amended_text"),
                FieldPanel("reasoning"),
                FieldPanel("merged_into"),
                FieldPanel("position_note"),
            ],
            heading=_lazy("Position du Conseil"),
        ),
        Fact.ASSEMBLY: MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("assembly_outcome"), FieldPanel("assembly_date")]),
                FieldPanel("assembly_note"),
                FieldRowPanel(
                    [FieldPanel("votes_for"), FieldPanel("votes_against"), FieldPanel("votes_abstaining")]
                ),
                FieldPanel("assembly_change_note"),
            ],
            heading=_lazy("Assemblée générale"),
        ),
        Fact.FOLLOW_UP: MultiFieldPanel(
            [FieldRowPanel([FieldPanel("follow_up"), FieldPanel("progress")]), FieldPanel("follow_up_note")],
            heading=_lazy("Suivi de la mise en œuvre"),
        ),
    }
    return ObjectList(
        [
            HelpPanel(
                template="workinggroups/admin/decision_recommendation_panel.html",
                heading=_lazy("Recommandation"),
            ),
            *(sections[fact] for fact in facts),
            FieldPanel("decided_on"),
            FieldPanel("loaded_version"),
        ],
        base_form_class=BoardDecisionForm,
    )


class BoardDecisionPermissionHelper(PermissionHelper):
    """Decisions are created with their recommendation and never deleted: the board only edits them."""

    def user_can_create(self, user):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class BoardDecisionEditView(EditView):
    """Titled with its recommendation (every decision's page was "Modifier Décision du Conseil"), and
    the board is told, in a sentence, what it has just recorded. A change made meanwhile in another
    tab that makes this one impossible is a form error, not a server error."""

    def get_meta_title(self):
        return str(self.instance)

    def get_success_message(self, instance):
        return _(
            "Enregistré : la recommandation %(number)s « %(title)s » est « %(position)s » ; assemblée "
            "générale : « %(assembly)s » ; suivi : « %(follow_up)s »."
        ) % {
            "number": instance.recommendation.number,
            "title": instance.recommendation.title,
            "position": instance.get_position_display(),
            "assembly": instance.get_assembly_outcome_display(),
            "follow_up": instance.get_follow_up_display(),
        }

    def get_error_message(self):
        return _("Rien n'a été enregistré : corrigez les champs signalés ci-dessous.")

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages_)
            return self.form_invalid(form)


class BoardDecisionButtonHelper(ContextualButtonHelper):
    def button_context(self, obj):
        return _("recommandation %(number)s") % {"number": obj.recommendation.number}


@modeladmin_register
class BoardDecisionAdmin(IntranetModelAdminMixin, ModelAdmin):
    """The board's screen: its position, the general assembly's outcome and the follow-up."""

    model = BoardDecision
    menu_label = _lazy("Décisions du Conseil")
    menu_icon = "tasks"
    menu_order = 250
    add_to_settings_menu = False
    permission_helper_class = BoardDecisionPermissionHelper
    edit_view_class = BoardDecisionEditView
    button_helper_class = BoardDecisionButtonHelper
    edit_handler = decision_panels(list(Fact))
    list_display_add_buttons = "recommendation"  # under the title, not beside a bare number
    list_display = (
        "recommendation_number",
        "recommendation",
        "working_group",
        "position",
        "assembly_outcome",
        "follow_up",
        "updated_at",
    )
    list_filter = (
        "position",
        "assembly_outcome",
        "follow_up",
        ("programme", RelatedFilterWithoutEmpty),
        ("working_group", RelatedFilterWithoutEmpty),
    )
    search_fields = ("recommendation__title", "amended_text", "reasoning", "assembly_note")
    list_select_related = ("recommendation", "working_group")
    list_export = (
        "recommendation_number",
        "recommendation",
        "working_group",
        "programme",
        "position",
        "amended_text",
        "reasoning",
        "merged_into",
        "assembly_outcome",
        "assembly_date",
        "assembly_note",
        "votes_for",
        "votes_against",
        "votes_abstaining",
        "follow_up",
        "progress",
        "updated_at",
    )
    export_filename = "decisions-du-conseil"
    ordering = ("recommendation__number",)

    def recommendation_number(self, obj):
        return obj.recommendation.number

    recommendation_number.short_description = _lazy("n°")
    recommendation_number.admin_order_field = "recommendation__number"


class FollowUpPermissionHelper(BoardDecisionPermissionHelper):
    """The follow-up of the recommendations the assembly adopted: the board, and each group's
    facilitators for their group's (the model checks it again when recording)."""

    def user_can_list(self, user):
        return user.is_active and reviews_pages(user)

    def user_can_edit_obj(self, user, obj):
        return obj.to_carry_out and obj.may_record(user, Fact.FOLLOW_UP)


class FollowUpEditView(BoardDecisionEditView):
    def get_success_message(self, instance):
        return _(
            "Suivi enregistré : la recommandation %(number)s est « %(follow_up)s » (%(progress)s %%)."
        ) % {
            "number": instance.recommendation.number,
            "follow_up": instance.get_follow_up_display(),
            "progress": instance.progress,
        }


@modeladmin_register
class FollowUpAdmin(IntranetModelAdminMixin, ModelAdmin):
    """Where the group's facilitators (and the board) note how an adopted recommendation is carried out."""

    model = FollowUpRecord
    menu_label = _lazy("Suivi des recommandations")
    menu_icon = "time"
    menu_order = 251
    add_to_settings_menu = False
    permission_helper_class = FollowUpPermissionHelper
    edit_view_class = FollowUpEditView
    button_helper_class = BoardDecisionButtonHelper
    edit_handler = decision_panels([Fact.FOLLOW_UP])
    list_display_add_buttons = "recommendation"
    list_display = ("recommendation_number", "recommendation", "working_group", "follow_up", "progress")
    list_filter = ("follow_up", ("working_group", OnlyListedRelated))
    list_select_related = ("recommendation", "working_group")
    search_fields = ("recommendation__title",)
    ordering = ("recommendation__number",)
    recommendation_number = BoardDecisionAdmin.recommendation_number

    def get_queryset(self, request):
        decisions = super().get_queryset(request).filter(assembly_outcome__in=TO_CARRY_OUT)
        if is_board(request.user):
            return decisions
        return decisions.filter(
            working_group__memberships__user=request.user,
            working_group__memberships__role=MembershipRole.FACILITATOR,
        )


@hooks.register("before_delete_page")
def keep_recommendations_with_a_decision(request, page):
    """A recommendation the board has a record of is unpublished, not deleted: nothing is lost."""
    under = RecommendationPage.objects.descendant_of(page, inclusive=True)
    if BoardDecision.objects.filter(recommendation__in=under).exists():
        messages.error(
            request,
            _(
                "Cette page contient une recommandation sur laquelle le Conseil a une décision : elle "
                "ne peut pas être supprimée. Dépubliez-la si elle ne doit plus être visible."
            ),
        )
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


@hooks.register("before_move_page")
def a_page_in_review_stays_in_its_group(request, page_to_move, destination):
    problem = move_problem(page_to_move, destination)
    if problem:
        messages.error(request, problem)
        return redirect("wagtailadmin_explore", page_to_move.get_parent().pk)
    return None


@hooks.register("before_copy_page")
def a_copy_keeps_to_its_group_too(request, page):
    """A copy takes the page's revisions with it: the same rule as a move (moving.py)."""
    destination = Page.objects.filter(pk=parse_id(request.POST.get("new_parent_page"))).first()
    if request.method != "POST" or destination is None:
        return None
    problem = move_problem(page, destination)
    if problem:
        messages.error(request, problem)
        return redirect("wagtailadmin_pages:copy", page.pk)
    return None


@hooks.register("before_bulk_action")
def bulk_moves_keep_pages_in_their_groups(request, action_type, objects, action_class_instance):
    if action_type != "move" or not objects:
        return None
    destination = action_class_instance.cleaned_form.cleaned_data.get("chooser")
    for page in objects:
        problem = destination is not None and move_problem(page, destination)
        if problem:
            messages.error(request, f"{page.get_admin_display_title()} : {problem}")
            back = action_class_instance.next_url
            return redirect(back if back != request.path else reverse("wagtailadmin_explore_root"))
    return None


@hooks.register("before_edit_page")
def refuse_workflow_action_on_a_stale_version(request, page):
    """Approving or rejecting from a tab opened before the latest edit would judge content nobody shows."""
    if request.method != "POST" or not request.POST.get("action-workflow-action"):
        return None
    loaded = page.revisions.filter(pk=parse_id(request.POST.get("loaded_revision_id"))).first()
    latest = page.latest_revision
    if loaded is not None and latest is not None and not same_content(loaded, latest):
        messages.error(
            request,
            _(
                "La page a été modifiée depuis que vous l'avez ouverte : votre décision n'a pas été "
                "enregistrée. Relisez la dernière version."
            ),
        )
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


@hooks.register("before_edit_page")
def show_the_request_for_changes(request, page):
    """The latest request for changes, at the top of the editor, until the page is submitted again."""
    changes_requested_banner(request, page)


@hooks.register("register_admin_urls")
def moderation_urls():
    return [path("moderation/", moderation.moderation_index, name="workinggroups_moderation")]


def reviews_pages(user):
    """Board members and facilitators review pages and follow the recommendations up: asked by the
    menu and by the follow-up's listing on every admin screen, worked out once per user object,
    that is once per request (as the facilitator task caches the groups a user facilitates)."""
    answer = getattr(user, "_reviews_pages", None)
    if answer is None:
        answer = user._reviews_pages = is_board(user) or is_facilitator(user)
    return answer


class ModerationMenuItem(MenuItem):
    def is_shown(self, request):
        return reviews_pages(request.user)


@hooks.register("register_admin_menu_item")
def moderation_menu_item():
    return ModerationMenuItem(
        _lazy("Pages à relire"), reverse("workinggroups_moderation"), icon_name="tasks", order=150
    )


@hooks.register("construct_homepage_panels")
def bounded_moderation_panels(request, panels):
    """Wagtail's moderation panels list every page, unpaginated: show the latest few and a link."""
    for index, panel in enumerate(panels):
        if type(panel) is WorkflowObjectsToModeratePanel:
            panels[index] = moderation.LatestToModeratePanel()
        elif type(panel) is UserObjectsInWorkflowModerationPanel:
            panels[index] = moderation.LatestInWorkflowPanel()


@hooks.register("construct_homepage_summary_items", order=100)  # after the apps add theirs
def no_site_counts(request, items):
    """Wagtail's summary counts the pages, images and documents the person may reach, on every
    visit to the dashboard, to print numbers nobody acts on: the document count checks every
    collection's permissions (some 30 ms with 200 groups' minutes collections), the page count
    counts the whole tree (26,000 pages at full size, some 10 ms) and the image count checks the
    collections' permissions again. The Pages, Images and Documents menus are one click away."""
    # Imported when the hook runs: importing another app's wagtail_hooks while ours load would
    # register its hooks before Wagtail's loader reaches that app, out of INSTALLED_APPS order.
    from wagtail.admin.site_summary import PagesSummaryItem
    from wagtail.documents.wagtail_hooks import DocumentsSummaryItem
    from wagtail.images.wagtail_hooks import ImagesSummaryItem

    counts = (PagesSummaryItem, DocumentsSummaryItem, ImagesSummaryItem)
    items[:] = [item for item in items if not isinstance(item, counts)]


@hooks.register("intranet_profile_sections")
def my_working_groups(request):
    """On the person's own page (accounts/views.py): their working groups and their role in each."""
    memberships = (
        WorkingGroupMembership.objects.filter(user=request.user, page__live=True)
        .select_related("page")
        .order_by("page__title")
    )
    return {
        "title": _("Mes groupes de travail"),
        "template": "workinggroups/includes/profile_groups.html",
        "memberships": list(memberships),
        "order": 10,
    }
