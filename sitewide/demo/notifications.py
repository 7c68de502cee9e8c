"""The demo's notifications: the follow-up notes of its story (September 2018 to June 2019), as the
members of each group would have been told of them, dated when they were written. Loading history
records no event (notifications.events.quiet); this gives each demo account a notifications page
with something on it, and sends nothing (too old for any digest, and follow-up notes are not emailed
at once by default)."""

from notifications.choices import Kind
from notifications.delivery import announce
from notifications.models import Event
from workinggroups.choices import Fact
from workinggroups.models import BoardDecisionHistory


def announce_follow_up_notes():
    """Once: an event per follow-up note of the demo, announced to those who may see it. Returns how many."""
    if Event.objects.filter(kind=Kind.FOLLOW_UP).exists():
        return 0
    notes = (
        BoardDecisionHistory.objects.filter(fact=Fact.FOLLOW_UP).exclude(note="").select_related("decision")
    )
    count = 0
    for change in notes.order_by("changed_at", "pk"):
        event = Event.objects.create(
            kind=Kind.FOLLOW_UP,
            created_at=change.changed_at,
            page_id=change.decision.recommendation_id,
            decision_change=change,
            actor_id=change.changed_by_id,
        )
        announce(event.pk)
        count += 1
    return count
