"""Each person's choice of how to hear about each kind of event, defaults included."""

from django.db.models import Case, CharField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce

from .choices import CHOSEN_KINDS, DEFAULT_FREQUENCY, Frequency
from .models import Preference


def frequencies(user):
    """``{kind: frequency}`` for every kind the person chooses, their choice or the default."""
    chosen = dict(Preference.objects.filter(user_id=user.pk).values_list("kind", "frequency"))
    return {kind: Frequency(chosen.get(kind, DEFAULT_FREQUENCY[kind])) for kind in CHOSEN_KINDS}


def set_frequencies(user, choices):
    """Save ``{kind: frequency}``; a choice equal to the default is saved too (defaults may change)."""
    for kind, frequency in choices.items():
        Preference.objects.update_or_create(user_id=user.pk, kind=kind, defaults={"frequency": frequency})


def with_frequency(notifications):
    """``notifications`` annotated with ``frequency``: the person's choice for the kind, else its
    default, in SQL (so digests select their people in one query)."""
    chosen = Preference.objects.filter(user_id=OuterRef("user_id"), kind=OuterRef("kind")).values(
        "frequency"
    )[:1]
    default = Case(
        *(When(kind=kind, then=Value(str(frequency))) for kind, frequency in DEFAULT_FREQUENCY.items()),
        default=Value(str(Frequency.NEVER)),
        output_field=CharField(),
    )
    return notifications.annotate(frequency=Coalesce(Subquery(chosen), default))
