"""Admin hooks that keep private pages private and bad input harmless (see home/admin_guards.py)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail import hooks

from .privacy import closed_paths


@hooks.register("before_move_page")
def only_those_who_may_move_see_the_move(request, page_to_move, destination):
    # Wagtail checks this on the move itself, not on the confirmation page, which shows the title.
    if not page_to_move.permissions_for_user(request.user).can_move_to(destination):
        raise PermissionDenied


@hooks.register("before_copy_page")
def a_copy_needs_a_destination(request, page):
    if request.method == "POST" and not request.POST.get("new_parent_page"):
        messages.error(request, _("Choisissez la page sous laquelle copier celle-ci."))
        return redirect("wagtailadmin_pages:copy", page.pk)
    return None


@hooks.register("construct_page_chooser_queryset")
def private_pages_stay_out_of_choosers(pages, request):
    """Pages under a view restriction the user does not pass are listed only to those who may edit them."""
    paths = closed_paths(request)
    if not paths:
        return pages
    from django.db.models import Q

    hidden = Q()
    for path in paths:
        hidden |= Q(path__startswith=path)
    editable = Q(pk__in=[])
    for page in pages.model.objects.filter(hidden):
        if page.permissions_for_user(request.user).can_edit():
            editable |= Q(pk=page.pk)
    return pages.exclude(hidden & ~editable)
