"""Keep each working group's Django group and page permissions in step with its pages."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, post_page_move, pre_page_move

from .models import BoardDecision, ProgrammePage, RecommendationPage, WorkingGroupMembership, WorkingGroupPage
from .moving import move_problem
from .roles import grant_editors_on_programme, sync_members, sync_working_group
from .workflow import assign_workflow


@receiver(post_save, sender=ProgrammePage)
def programme_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        grant_editors_on_programme(instance)
        assign_workflow(instance)


@receiver(page_published, sender=RecommendationPage)
def recommendation_published(sender, instance, **kwargs):
    # The board receives the recommendation when it is first published.
    BoardDecision.for_recommendation(instance)


@receiver(pre_page_move)
def a_page_keeps_to_its_group(sender, instance, parent_page_after, **kwargs):
    """Every move, from any view or a shell: refused while the page belongs to its group (moving.py)."""
    problem = move_problem(instance, parent_page_after)
    if problem:
        raise PermissionDenied(problem)


@receiver(post_page_move)
def keep_decision_tree_fields_current(sender, instance, **kwargs):
    for recommendation in RecommendationPage.objects.descendant_of(instance, inclusive=True).filter(
        board_decision__isnull=False
    ):
        BoardDecision.for_recommendation(recommendation)


@receiver(post_save, sender=WorkingGroupPage)
def group_page_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    # Creation and publication save the whole row; saving a draft revision only
    # touches bookkeeping columns and must not rename the group after a draft title.
    if raw or (update_fields is not None and "title" not in update_fields):
        return
    sync_working_group(instance)


def _cascaded_from_page_deletion(origin):
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    return isinstance(model, type) and issubclass(model, Page)


@receiver(post_delete, sender=WorkingGroupPage)
def group_page_deleted(sender, instance, **kwargs):
    if instance.django_group_id:
        # Its members lose what the group gave them (drafting rights, and the minutes later).
        type(instance.django_group).objects.filter(pk=instance.django_group_id).delete()


@receiver(post_save, sender=WorkingGroupMembership)
@receiver(post_delete, sender=WorkingGroupMembership)
def membership_changed(sender, instance, raw=False, origin=None, **kwargs):
    if raw or _cascaded_from_page_deletion(origin):
        return  # the group page itself is going: its own handler removes the Django group
    group_page = WorkingGroupPage.objects.filter(pk=instance.page_id).select_related("django_group").first()
    if group_page is not None:
        sync_members(group_page)
