"""Admin views that Wagtail leaves open to any admin user, closed to those without a right.

Found by tests/test_access_sweep.py: each guard names the URL it protects and why.
Checked before the view runs (AdminGuardMiddleware), so the view itself is untouched.
"""

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.http import Http404
from wagtail import hooks
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.documents import get_document_model
from wagtail.models import Page, WorkflowState

from privacy.ids import parse_id

from .rules import can_view


def _may_edit(request, page):
    return page.permissions_for_user(request.user).can_edit()


def page_chooser_browse(request, parent_page_id, **kwargs):
    """The page chooser shows a page's title and children: not for a private page the user may not open."""
    page = Page.objects.filter(pk=parent_page_id).first()
    if page is not None and not can_view(request, page) and not _may_edit(request, page):
        raise Http404


def workflow_cancellation(request, page_id, **kwargs):
    """Only those who may cancel a page's workflow get the confirmation for it."""
    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        raise Http404
    state = (
        WorkflowState.objects.active()
        .filter(base_content_type=page.get_base_content_type(), object_id=str(page.pk))
        .first()
    )
    if not _may_edit(request, page.specific_deferred) and not (state and state.user_can_cancel(request.user)):
        raise PermissionDenied


def known_objects(request, model):
    """The objects of ``model`` the person may know about in the admin (their titles, their ids),
    as each app says through the ``admin_known_objects`` hook; None when no app claims the model."""
    for hook in hooks.get_hooks("admin_known_objects"):
        known = hook(request, model)
        if known is not None:
            return known
    return None


def chosen_document(request, pk=None, **kwargs):
    """A chooser's "chosen" step answers with the title of any id it is given: only for the documents
    the chooser lists to this person (``?id=`` for several)."""
    _only_known(request, get_document_model(), [pk] if pk is not None else request.GET.getlist("id"))


def chosen_pages(request, **kwargs):
    """The page chooser's "chosen" step for several pages answers with each one's admin (draft) title:
    only for pages the person may edit, or may open and that have nothing pending."""
    _only_known(request, Page, request.GET.getlist("id"))


def _only_known(request, model, wanted):
    """404 unless every id in ``wanted`` is well formed and names an object the person may know."""
    known = known_objects(request, model)
    ids = [parse_id(value) for value in wanted]
    if not ids or None in ids:
        raise Http404
    if known is not None and known.filter(pk__in=ids).count() != len(set(ids)):
        raise Http404


def bulk_action_items(request, app_label, model_name, action, **kwargs):
    """A bulk action's confirmation lists every object named by ``?id=`` (and ``?id=all``), with
    titles even for objects the person may not act on. Narrow the ids, before the view runs, to
    the objects the person may know (``known_objects``: pages they may edit, documents they may
    open or uploaded). Nothing left: not found.
    """
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as error:
        raise Http404 from error
    known = known_objects(request, model)
    if known is None:
        return
    action_class = bulk_action_registry.get_bulk_action_class(app_label, model_name, action)
    if action_class is None:
        raise Http404
    asked = request.GET.getlist("id")
    if "all" in asked:
        child_of = request.GET.get("childOf")
        if child_of is not None and parse_id(child_of) is None:
            raise Http404
        parent_id = parse_id(child_of)
        if (
            parent_id is not None
            and issubclass(model, Page)
            and not Page.objects.filter(pk=parent_id).exists()
        ):
            raise Http404
        asked = action_class(request, model).get_all_objects_in_listing_query(parent_id)
    wanted = {number for number in (parse_id(value) for value in asked) if number is not None}
    allowed = sorted(known.filter(pk__in=wanted).values_list("pk", flat=True)) if wanted else []
    if not allowed:
        raise Http404
    query = request.GET.copy()
    query.setlist("id", [str(pk) for pk in allowed])
    request.GET = query
    request.META["QUERY_STRING"] = query.urlencode()


def superusers_only(request, **kwargs):
    """Site-wide reports (page types with their latest draft titles) are for superusers."""
    if not request.user.is_superuser:
        raise PermissionDenied


def no_shared_passwords(request, **kwargs):
    """Shared passwords are off (WAGTAIL_PRIVATE_PAGE_OPTIONS): the password form is not served at all."""
    raise Http404


GUARDS = {
    "wagtailadmin_choose_page_child": page_chooser_browse,
    "wagtailadmin_pages:confirm_workflow_cancellation": workflow_cancellation,
    "wagtailadmin_reports:page_types_usage": superusers_only,
    "wagtailadmin_reports:page_types_usage_results": superusers_only,
    "wagtailcore_authenticate_with_password": no_shared_passwords,
    "wagtail_bulk_action": bulk_action_items,
    "wagtailadmin_choose_page_chosen_multiple": chosen_pages,
    "wagtaildocs_chooser:chosen": chosen_document,
    "wagtaildocs_chooser:chosen_multiple": chosen_document,
}


def all_guards():
    """The guards above, and those the apps add with the ``register_admin_guards`` hook
    (a function returning {view name: guard}), for the views whose objects they own."""
    guards = dict(GUARDS)
    for hook in hooks.get_hooks("register_admin_guards"):
        guards.update(hook())
    return guards


class AdminGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.guards = None

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if self.guards is None:
            self.guards = all_guards()  # on the first request: every app's hooks are loaded by then
        match = getattr(request, "resolver_match", None)
        guard = self.guards.get(match.view_name) if match else None
        if guard is not None and request.user.is_authenticated:
            guard(request, **view_kwargs)
        return None
