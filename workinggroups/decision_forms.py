"""The admin form for the three facts of a recommendation (models/decisions.py).

The form shows a section per fact it holds (the board's screen holds all three; the follow-up screen,
open to the group's facilitators, only the follow-up). Each section's changes are checked as the model
will check them, so that every refusal is a message next to its field; saving hands each changed fact
to ``BoardDecision.record``, which checks again under a row lock and writes the history.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput

from .choices import FACT_VALUES, Fact, FollowUp, in_order
from .models import BoardDecision, RecommendationPage
from .models.decisions import FACT_FIELD, FACT_FIELDS

#: The form's note for each fact's history (the model's ``note``).
NOTE_FIELD = {
    Fact.POSITION: "position_note",
    Fact.ASSEMBLY: "assembly_change_note",
    Fact.FOLLOW_UP: "follow_up_note",
}


def _note_field(help_text):
    return forms.CharField(
        label=_lazy("Note pour l'historique"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=help_text,
    )


class RecommendationNumberChoice(forms.ModelChoiceField):
    def label_from_instance(self, recommendation):
        return _("n° %(number)s · %(title)s") % {
            "number": recommendation.number,
            "title": recommendation.title,
        }


class BoardDecisionForm(WagtailAdminModelForm):
    """Every change of a fact is validated here and recorded, with its history, by the model."""

    decided_on = forms.DateField(
        label=_lazy("Date"),
        required=False,
        widget=AdminDateInput,
        help_text=_lazy(
            "Le jour où la décision a été prise (la réunion du Conseil), si ce n'est pas aujourd'hui : "
            "l'historique de la recommandation donnera cette date."
        ),
    )
    position_note = _note_field(_lazy("Visible par les membres dans l'historique de la position du Conseil."))
    assembly_change_note = _note_field(_lazy("Visible par les membres dans l'historique de l'assemblée."))
    follow_up_note = _note_field(
        _lazy("Où en est la mise en œuvre, ou pourquoi elle est abandonnée : visible par les membres.")
    )
    # When the form was opened: a tab opened before someone else's change must not undo it.
    loaded_version = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.user = for_user
        self.before = {
            name: getattr(self.instance, name) for fields in FACT_FIELDS.values() for name in fields
        }
        self.fields["loaded_version"].initial = self.version(self.instance)
        self.facts = [fact for fact in Fact if FACT_FIELD[fact] in self.fields]
        for fact in self.facts:
            self._offer_allowed(fact)
        for fact in Fact:
            if fact not in self.facts:
                self.fields.pop(NOTE_FIELD[fact], None)
        if "merged_into" in self.fields:
            self.fields["merged_into"] = RecommendationNumberChoice(
                queryset=RecommendationPage.objects.filter(
                    board_decision__programme=self.instance.programme_id
                )
                .exclude(pk=self.instance.recommendation_id)
                .order_by("number"),
                required=False,
                label=self.fields["merged_into"].label,
                help_text=self.fields["merged_into"].help_text,
            )

    def _offer_allowed(self, fact):
        """Only the values the fact may move to are offered (and the current one, to keep it); any other,
        from a tab opened before someone else's change, is refused with the reason."""
        field = self.fields[FACT_FIELD[fact]]
        current = FACT_VALUES[fact](self.before[FACT_FIELD[fact]])
        allowed = in_order(self.instance.allowed_next(fact), fact)
        offered = {current, *allowed}
        field.widget.choices = [(value, label) for value, label in field.choices if value in offered]
        field.help_text = _("Depuis « %(current)s », possibles : %(allowed)s.") % {
            "current": current.label,
            "allowed": ", ".join(f"« {value.label} »" for value in allowed) or _("aucun"),
        }

    @staticmethod
    def version(decision):
        return decision.updated_at.isoformat() if decision.updated_at else ""

    def clean_loaded_version(self):
        loaded = self.cleaned_data.get("loaded_version")
        if loaded and loaded != self.version(BoardDecision.objects.get(pk=self.instance.pk)):
            raise ValidationError(
                _(
                    "Quelqu'un a modifié cette recommandation depuis que vous avez ouvert cette page : rien "
                    "n'a été enregistré. Rechargez la page pour voir où elle en est, puis recommencez."
                )
            )
        return loaded

    def _clean_text(self, name):
        """Line breaks as the database keeps them (a browser sends CRLF): unchanged text stays unchanged."""
        return (self.cleaned_data.get(name) or "").replace("\r\n", "\n")

    def clean_amended_text(self):
        return self._clean_text("amended_text")

    def clean_reasoning(self):
        return self._clean_text("reasoning")

    def clean_assembly_note(self):
        return self._clean_text("assembly_note")

    def clean_decided_on(self):
        decided_on = self.cleaned_data.get("decided_on")
        if decided_on and decided_on > timezone.localdate():
            raise ValidationError(_("La date ne peut pas être dans le futur."))
        return decided_on

    def changed_facts(self):
        """The facts this submission changes, in the order they happen: position, assembly, follow-up."""
        changed = []
        for fact in self.facts:
            note = (self.cleaned_data.get(NOTE_FIELD[fact]) or "").strip()
            moved = any(
                self.cleaned_data.get(name, self.before[name]) != self.before[name]
                for name in FACT_FIELDS[fact]
            )
            # A note on its own is recorded too: for a follow-up in progress, a progress note; otherwise
            # a precision on where the fact stands.
            if moved or note:
                changed.append(fact)
        return changed

    def target(self, fact):
        """Where this submission takes ``fact``; a note on a follow-up not yet started starts it."""
        to_value = self.cleaned_data.get(FACT_FIELD[fact]) or self.before[FACT_FIELD[fact]]
        if fact == Fact.FOLLOW_UP and to_value == FollowUp.NOT_STARTED:
            return FollowUp.IN_PROGRESS
        return to_value

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        # Check each change in turn, on a copy, as BoardDecision.record will: one message per field.
        trial = BoardDecision.objects.get(pk=self.instance.pk)
        for fact in self.changed_facts():
            to_value = self.target(fact)
            note = self.cleaned_data.get(NOTE_FIELD[fact], "")
            if not trial.may_record(self.user, fact):
                self.add_error(
                    FACT_FIELD[fact], _("Vous ne pouvez pas modifier ce point de la recommandation.")
                )
                return
            fields = {
                name: self.cleaned_data[name] for name in FACT_FIELDS[fact][1:] if name in self.cleaned_data
            }
            try:
                editing = trial.is_edit(fact, to_value, fields, note)
                trial.check_transition(fact, trial.value_of(fact), to_value, editing=editing)
                setattr(trial, FACT_FIELD[fact], to_value)
                for name, value in fields.items():
                    setattr(trial, name, value)
                trial.clean_fact(fact, note)
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    self.add_error(NOTE_FIELD[fact] if name == "note" else name, messages)
                return

    @transaction.atomic
    def save(self, commit=True):
        decided_on = self.cleaned_data.get("decided_on")
        at = None
        if decided_on and decided_on != timezone.localdate():
            # A past meeting: noon that day, so that the date reads the same in every time zone.
            at = timezone.make_aware(datetime.datetime.combine(decided_on, datetime.time(12)))
        decision = BoardDecision.objects.get(pk=self.instance.pk)
        for fact in self.changed_facts():
            fields = {
                name: self.cleaned_data[name] for name in FACT_FIELDS[fact][1:] if name in self.cleaned_data
            }
            decision.record(
                fact,
                self.target(fact),
                self.user,
                note=self.cleaned_data.get(NOTE_FIELD[fact], ""),
                at=at,
                **fields,
            )
        self.instance = decision
        return decision
