"""Admin hooks that keep private pages private and bad input harmless (see privacy/admin_guards.py)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from .rules import visible_pages


def only_those_who_may_move_see_the_move(request, page_to_move, destination):
    # Wagtail checks this on the move itself, not on the confirmation page, which shows the title.
    if not page_to_move.permissions_for_user(request.user).can_move_to(destination):
        raise PermissionDenied


def a_copy_needs_a_destination(request, page):
    if request.method == "POST" and not request.POST.get("new_parent_page"):
        messages.error(request, _("Choisissez la page sous laquelle copier celle-ci."))
        return redirect("wagtailadmin_pages:copy", page.pk)
    return None


def editable_pages(user):
    """Pages ``user`` may edit: the only ones whose drafts and pending titles they may see."""
    return PagePermissionPolicy().instances_user_has_permission_for(user, "change")


def choosers_list_what_the_person_may_see(pages, request):
    """The page chooser (browse and search) lists live pages the person may open, and the pages
    they may edit: never another group's drafts, nor a private page they do not pass."""
    visible = visible_pages(request, Page.objects.all()).values("pk")
    return pages.filter(Q(pk__in=visible) | Q(pk__in=editable_pages(request.user).values("pk")))


def pages_known_in_the_admin(request, model):
    """Pages whose admin (draft) title the person may read: those they may edit, and live pages they
    may open that have nothing pending (their draft title is their live title). admin_guards.py."""
    if issubclass(model, Page):
        settled = visible_pages(request, Page.objects.filter(has_unpublished_changes=False)).values("pk")
        return Page.objects.filter(Q(pk__in=editable_pages(request.user).values("pk")) | Q(pk__in=settled))
    return None


# Registered by calls rather than decorators, so that mutation testing (docs/mutation-testing.md)
# can change these functions: mutmut leaves decorated functions alone.
hooks.register("before_move_page", only_those_who_may_move_see_the_move)
hooks.register("before_copy_page", a_copy_needs_a_destination)
hooks.register("construct_page_chooser_queryset", choosers_list_what_the_person_may_see)
hooks.register("admin_known_objects", pages_known_in_the_admin)
