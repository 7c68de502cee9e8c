"""Admin views that Wagtail leaves open to any admin user, closed to those without a right.

Found by tests/test_access_sweep.py: each guard names the URL it protects and why.
Checked before the view runs (AdminGuardMiddleware), so the view itself is untouched.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from wagtail.models import Page, WorkflowState

from .privacy import can_view


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
}


class AdminGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = getattr(request, "resolver_match", None)
        guard = GUARDS.get(match.view_name) if match else None
        if guard is not None and request.user.is_authenticated:
            guard(request, **view_kwargs)
        return None
