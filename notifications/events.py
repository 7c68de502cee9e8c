"""What happened, recorded as events when it happens and announced once it is committed.

Listens to the apps below (nothing there knows about notifications): first publication of a meeting
report or a recommendation, each change of the board's three facts, minutes added to a group's
library, an access request answered, a page sent back or approved in the moderation workflow."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.db.models.signals import post_save
from wagtail.models import WorkflowState
from wagtail.signals import page_published, workflow_approved, workflow_rejected

from documents.choices import DocumentKind
from documents.models import AccessRequest, LibraryDocument
from mailing.queue import run_task
from workinggroups.choices import Fact
from workinggroups.models import BoardDecisionHistory, MeetingReportPage, RecommendationPage

from .choices import Kind
from .models import Event
from .tasks import announce_event

FACT_KINDS = {Fact.POSITION: Kind.POSITION, Fact.ASSEMBLY: Kind.ASSEMBLY, Fact.FOLLOW_UP: Kind.FOLLOW_UP}


#: Set while history is loaded (the demo's 2017-2018 programme, the scale data): not news to anyone.
_QUIET = ContextVar("notifications_quiet", default=False)


@contextmanager
def quiet():
    """Record no event inside the block."""
    token = _QUIET.set(True)
    try:
        yield
    finally:
        _QUIET.reset(token)


def is_quiet():
    """Whether the caller is inside ``quiet()``: an app above that tells people of changes (meeting
    invitations) keeps quiet too."""
    return _QUIET.get()


def record(kind, **fields):
    """Write the event now (in the caller's transaction) and announce it once that commits."""
    if _QUIET.get():
        return None
    event = Event.objects.create(kind=kind, **fields)

    transaction.on_commit(lambda: run_task(announce_event, event.pk), robust=True)
    return event


def page_first_published(sender, instance, **kwargs):
    if not instance.live:
        return  # scheduled for later: Wagtail signals now, and again when it goes live
    kind = Kind.REPORT if isinstance(instance, MeetingReportPage) else Kind.RECOMMENDATION
    if instance.first_published_at != instance.last_published_at:
        return  # published again after a change: news once, when it first appeared
    if Event.objects.filter(kind=kind, page_id=instance.pk).exists():
        return
    author = getattr(kwargs.get("revision"), "user_id", None)
    # The author is not told of their own page; nor is whoever publishes it (moderation_approved
    # names them, in the same transaction, before the event is announced).
    record(kind, page_id=instance.pk, actor_id=author, data={"author": author})


def decision_changed(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    kind = FACT_KINDS.get(instance.fact)
    if kind is None:
        return
    moved = instance.from_status != instance.to_status
    if kind == Kind.POSITION and (not moved or instance.to_status == "received"):
        return  # received is the publication itself; a corrected reasoning is not news
    if kind == Kind.ASSEMBLY and not moved:
        return
    if kind == Kind.FOLLOW_UP and not (moved or instance.note or instance.progress is not None):
        return
    recommendation_id = instance.decision.recommendation_id
    record(kind, page_id=recommendation_id, decision_change=instance, actor_id=instance.changed_by_id)


def document_saved(sender, instance, created, raw=False, **kwargs):
    if not created or raw or instance.kind != DocumentKind.MINUTES or not instance.working_group_id:
        return
    record(
        Kind.MINUTES,
        document=instance,
        page_id=instance.working_group_id,
        actor_id=instance.uploaded_by_user_id,
    )


def access_answered(sender, instance, created, raw=False, **kwargs):
    if raw or instance.status not in (AccessRequest.Status.GRANTED, AccessRequest.Status.REFUSED):
        return
    if Event.objects.filter(kind=Kind.ACCESS, access_request=instance, data__status=instance.status).exists():
        return
    record(
        Kind.ACCESS,
        access_request=instance,
        recipient_id=instance.requester_id,
        actor_id=instance.decided_by_id,
        data={"status": instance.status},
    )


def _moderated(outcome):
    def receiver(sender, instance, user=None, **kwargs):
        if outcome == "approved" and user is not None:  # whoever approved published it
            Event.objects.filter(
                page_id=int(instance.object_id),
                kind__in=(Kind.REPORT, Kind.RECOMMENDATION),
                announced_at=None,
            ).update(actor=user)
        requester_id = instance.requested_by_id
        if requester_id is None or (user is not None and user.pk == requester_id):
            return
        last = instance.task_states.order_by("-finished_at", "-pk").first()
        comment = (last.comment or "") if last is not None else ""
        record(
            Kind.MODERATION,
            page_id=int(instance.object_id),
            recipient_id=requester_id,
            actor=user,
            data={"outcome": outcome, "comment": comment},
        )

    return receiver


moderation_approved = _moderated("approved")
moderation_rejected = _moderated("rejected")


def connect():
    for model in (MeetingReportPage, RecommendationPage):
        page_published.connect(
            page_first_published, sender=model, dispatch_uid=f"notify_published_{model.__name__}"
        )
    post_save.connect(decision_changed, sender=BoardDecisionHistory, dispatch_uid="notify_decision_changed")
    post_save.connect(document_saved, sender=LibraryDocument, dispatch_uid="notify_minutes_added")
    post_save.connect(access_answered, sender=AccessRequest, dispatch_uid="notify_access_answered")
    workflow_approved.connect(moderation_approved, sender=WorkflowState, dispatch_uid="notify_approved")
    workflow_rejected.connect(moderation_rejected, sender=WorkflowState, dispatch_uid="notify_rejected")
