"""What became of each recommendation: three facts kept apart, each with its own history.

Members ask three different questions, so the record answers them separately:

- the board's **position** (received, under analysis, adopted as is, amended, merged, deferred,
  rejected) with its reasoning, the amended text and, for a merge, the recommendation it joined;
- the general **assembly's outcome** (not yet presented, adopted, amended in session, rejected), its
  date, what it changed, and optionally the votes;
- the **follow-up** after the assembly (not started, in progress with dated notes and a percentage,
  done, abandoned with why).

Every change goes through :meth:`BoardDecision.record`, which checks who may make it, where the fact
may go from where it is, and what must be said with it, then writes one history row; the admin forms
only collect the answers. Nothing else writes a fact.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..choices import FACT_VALUES, AssemblyOutcome, BoardPosition, Fact, FollowUp, in_order
from ..people import facilitates, is_board
from ..tree import ancestor_of_type

P, A, F = BoardPosition, AssemblyOutcome, FollowUp

#: Where each fact may go next from where it is. Anything else is refused with a message.
TRANSITIONS = {
    Fact.POSITION: {
        P.RECEIVED: {P.UNDER_ANALYSIS, P.DEFERRED},
        P.UNDER_ANALYSIS: {P.ADOPTED, P.AMENDED, P.MERGED, P.DEFERRED, P.REJECTED},
        P.DEFERRED: {P.UNDER_ANALYSIS, P.ADOPTED, P.AMENDED, P.MERGED, P.REJECTED},
        # A position taken is reopened by analysing again, never swapped for another in one step.
        P.ADOPTED: {P.UNDER_ANALYSIS},
        P.AMENDED: {P.UNDER_ANALYSIS},
        P.MERGED: {P.UNDER_ANALYSIS},
        P.REJECTED: {P.UNDER_ANALYSIS},
    },
    Fact.ASSEMBLY: {
        A.PENDING: {A.ADOPTED, A.AMENDED, A.REJECTED},
        # A correction of what was recorded (the minutes of the assembly say otherwise), or of a
        # recommendation recorded by mistake (back to "not yet presented", with why).
        A.ADOPTED: {A.PENDING, A.AMENDED, A.REJECTED},
        A.AMENDED: {A.PENDING, A.ADOPTED, A.REJECTED},
        A.REJECTED: {A.PENDING, A.ADOPTED, A.AMENDED},
    },
    Fact.FOLLOW_UP: {
        F.NOT_STARTED: {F.IN_PROGRESS, F.DONE, F.ABANDONED},
        F.IN_PROGRESS: {F.IN_PROGRESS, F.DONE, F.ABANDONED},  # in progress again: a progress note
        F.DONE: {F.IN_PROGRESS},
        F.ABANDONED: {F.IN_PROGRESS},
    },
}

#: The positions the board takes to the general assembly (a merged one goes with the one it joined;
#: a deferred one waits for a later assembly).
PRESENTABLE = {P.ADOPTED, P.AMENDED, P.REJECTED}
#: What the assembly decided that there is something to carry out.
TO_CARRY_OUT = {A.ADOPTED, A.AMENDED}
#: The fields each fact owns (and the form shows in its section).
FACT_FIELDS = {
    Fact.POSITION: ("position", "amended_text", "reasoning", "merged_into"),
    Fact.ASSEMBLY: (
        "assembly_outcome",
        "assembly_date",
        "assembly_note",
        "votes_for",
        "votes_against",
        "votes_abstaining",
    ),
    Fact.FOLLOW_UP: ("follow_up", "progress"),
}
FACT_FIELD = {fact: fields[0] for fact, fields in FACT_FIELDS.items()}


class BoardDecision(models.Model):
    """What became of one recommendation. Created ("received") when it is first published."""

    recommendation = models.OneToOneField(
        "workinggroups.RecommendationPage",
        verbose_name=_("recommandation"),
        on_delete=models.PROTECT,
        related_name="board_decision",
    )
    # Copied from the page tree so that the admin can filter on them; kept current when the page moves.
    working_group = models.ForeignKey(
        "workinggroups.WorkingGroupPage",
        verbose_name=_("groupe de travail"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    programme = models.ForeignKey(
        "workinggroups.ProgrammePage",
        verbose_name=_("programme"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # The board's position
    position = models.CharField(
        _("position du Conseil"), max_length=20, choices=BoardPosition.choices, default=P.RECEIVED
    )
    amended_text = models.TextField(
        _("texte amendé"),
        blank=True,
        help_text=_("Obligatoire quand la recommandation est adoptée avec amendement."),
    )
    reasoning = models.TextField(
        _("motivation du Conseil"),
        blank=True,
        help_text=_("Obligatoire quand la recommandation est amendée, fusionnée, reportée ou rejetée."),
    )
    merged_into = models.ForeignKey(
        "workinggroups.RecommendationPage",
        verbose_name=_("fusionnée dans"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        help_text=_("La recommandation qui reprend celle-ci, quand le Conseil les fusionne."),
    )

    # The general assembly's outcome
    assembly_outcome = models.CharField(
        _("décision de l'assemblée générale"),
        max_length=20,
        choices=AssemblyOutcome.choices,
        default=A.PENDING,
    )
    assembly_date = models.DateField(_("date de l'assemblée générale"), null=True, blank=True)
    assembly_note = models.TextField(
        _("ce que l'assemblée a dit ou changé"),
        blank=True,
        help_text=_("Obligatoire quand l'assemblée l'a amendée en séance : le texte qu'elle a voté."),
    )
    votes_for = models.PositiveIntegerField(_("voix pour"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("voix contre"), null=True, blank=True)
    votes_abstaining = models.PositiveIntegerField(_("abstentions"), null=True, blank=True)

    # The follow-up after the assembly
    follow_up = models.CharField(_("suivi"), max_length=20, choices=FollowUp.choices, default=F.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(
        _("avancement (%)"), default=0, validators=[MaxValueValidator(100)]
    )

    created_at = models.DateTimeField(_("reçue le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mis à jour par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("décision du Conseil")
        verbose_name_plural = _("décisions du Conseil")
        ordering = ["recommendation__number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="decision_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=models.Q(position="merged", merged_into__isnull=False)
                | (~models.Q(position="merged") & models.Q(merged_into__isnull=True)),
                name="decision_merged_names_its_target",
            ),
        ]

    def __str__(self):
        return gettext("Décision sur la recommandation %(number)s « %(title)s »") % {
            "number": self.recommendation.number,
            "title": self.recommendation.title,
        }

    #: The merge as it was read from the database ("unknown" when not read): a change of merge changes
    #: the page of the recommendation it was merged into, which a change seen after the save cannot
    #: name (workinggroups/content.py).
    merged_into_when_read = None

    @classmethod
    def from_db(cls, db, field_names, values):
        decision = super().from_db(db, field_names, values)
        decision.merged_into_when_read = decision.__dict__.get("merged_into_id", "unknown")
        return decision

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self.merged_into_when_read = self.__dict__.get("merged_into_id", "unknown")

    def was_ever_merged(self):
        """Whether this decision is, was when read, or has ever been a merge (its history says so)."""
        return (
            self.merged_into_id is not None
            or self.merged_into_when_read is not None
            or self.history.filter(fact=Fact.POSITION)
            .filter(models.Q(from_status=P.MERGED) | models.Q(to_status=P.MERGED))
            .exists()
        )

    # Reading the facts

    @property
    def board_position(self):
        return BoardPosition(self.position)

    @property
    def outcome(self):
        return AssemblyOutcome(self.assembly_outcome)

    @property
    def presented_to_assembly(self):
        return self.assembly_outcome != A.PENDING

    @property
    def to_carry_out(self):
        return self.assembly_outcome in TO_CARRY_OUT

    @property
    def shown_amended_text(self):
        """The amended text members see: only while the board's position is the amendment (a text kept
        while the board analyses again is a draft)."""
        return self.amended_text if self.position == P.AMENDED else ""

    @property
    def has_votes(self):
        return any(v is not None for v in (self.votes_for, self.votes_against, self.votes_abstaining))

    def value_of(self, fact):
        return getattr(self, FACT_FIELD[fact])

    # Who may change what

    def may_record(self, user, fact):
        """The board records its position and the assembly's outcome; the follow-up is also the
        group's facilitators' to tell (they carry the work on)."""
        if is_board(user):
            return True
        return fact == Fact.FOLLOW_UP and facilitates(user, self.working_group_id)

    def allowed_next(self, fact):
        return TRANSITIONS[fact][FACT_VALUES[fact](self.value_of(fact))]

    # Changing a fact

    def is_edit(self, fact, to_value, fields, note=""):
        """How recording ``to_value`` keeps the fact where it stands: "fields" when it changes what goes
        with it (the reasoning corrected, the votes added), "note" when it only adds a note, None when it
        moves the fact (or does nothing). Allowed once the fact has left its first value; written to
        the history like a move."""
        if to_value != self.value_of(fact) or to_value == next(iter(FACT_VALUES[fact])):
            return None
        if any(getattr(self, name) != value for name, value in fields.items()):
            return "fields"
        return "note" if note.strip() else None

    def check_transition(self, fact, from_value, to_value, editing=False):
        """Refuse a move of ``fact`` from ``from_value`` to ``to_value`` (or, ``editing`` being what
        is_edit says, a change of what goes with it), with a message for the board."""
        field = FACT_FIELD[fact]
        values = FACT_VALUES[fact]
        if editing == "note":
            return  # a note on where the fact stands changes nothing the other facts depend on
        if not editing and to_value not in TRANSITIONS[fact][values(from_value)]:
            allowed = in_order(TRANSITIONS[fact][values(from_value)], fact)
            names = ", ".join(f"« {value.label} »" for value in allowed) or gettext("aucun")
            raise ValidationError(
                {
                    field: gettext("« %(from)s » ne peut pas passer à « %(to)s ». Possibles : %(allowed)s.")
                    % {"from": values(from_value).label, "to": values(to_value).label, "allowed": names}
                }
            )
        if fact == Fact.POSITION and self.presented_to_assembly:
            raise ValidationError(
                {
                    field: gettext(
                        "L'assemblée générale s'est prononcée : la position du Conseil ne change plus."
                    )
                }
            )
        if fact == Fact.ASSEMBLY:
            if self.position not in PRESENTABLE:
                raise ValidationError(
                    {
                        field: gettext(
                            "Seule une recommandation adoptée, amendée ou rejetée par le Conseil est "
                            "présentée à l'assemblée générale ; sa position est « %(position)s »."
                        )
                        % {"position": self.board_position.label}
                    }
                )
            if self.follow_up != F.NOT_STARTED:
                raise ValidationError(
                    {field: gettext("Le suivi a commencé : la décision de l'assemblée ne se corrige plus.")}
                )
        if fact == Fact.FOLLOW_UP and not self.to_carry_out:
            raise ValidationError(
                {field: gettext("Seule une recommandation adoptée par l'assemblée générale a un suivi.")}
            )

    def clean_fact(self, fact, note):
        """What must be said with the fact's new value; ``note`` is the history's note. What no longer
        goes with the new value is cleared (the amended text of a position that is no amendment)."""
        errors = {}
        if fact == Fact.POSITION:
            if self.position in {P.ADOPTED, P.MERGED, P.DEFERRED, P.REJECTED}:
                self.amended_text = ""  # kept while the board analyses again, shown only when amended
            if self.position == P.AMENDED and not self.amended_text.strip():
                errors["amended_text"] = gettext("Indiquez le texte amendé par le Conseil.")
            if self.position in {P.AMENDED, P.MERGED, P.DEFERRED, P.REJECTED} and not self.reasoning.strip():
                errors["reasoning"] = gettext("Indiquez la motivation du Conseil.")
            if self.position == P.MERGED:
                problem = self._merge_problem()
                if problem:
                    errors["merged_into"] = problem
            else:
                self.merged_into = None
        elif fact == Fact.ASSEMBLY and self.assembly_outcome == A.PENDING:
            if not note.strip():
                errors["note"] = gettext("Dites pourquoi cette décision de l'assemblée est retirée.")
            self.assembly_date, self.assembly_note = None, ""
            self.votes_for = self.votes_against = self.votes_abstaining = None
        elif fact == Fact.ASSEMBLY:
            if not self.assembly_date:
                errors["assembly_date"] = gettext("Indiquez la date de l'assemblée générale.")
            elif self.assembly_date > timezone.localdate():
                errors["assembly_date"] = gettext("L'assemblée générale ne peut pas être dans le futur.")
            if self.assembly_outcome == A.AMENDED and not self.assembly_note.strip():
                errors["assembly_note"] = gettext("Indiquez ce que l'assemblée a changé en séance.")
        elif fact == Fact.FOLLOW_UP:
            if self.follow_up == F.DONE:
                self.progress = 100
            elif self.progress is None or not 0 <= self.progress <= 100:
                errors["progress"] = gettext("L'avancement est un pourcentage, de 0 à 100.")
            if self.follow_up == F.IN_PROGRESS and not note.strip():
                errors["note"] = gettext("Dites où en est la mise en œuvre : c'est la note de suivi.")
            if self.follow_up == F.ABANDONED and not note.strip():
                errors["note"] = gettext("Dites pourquoi la mise en œuvre est abandonnée.")
        if errors:
            raise ValidationError(errors)

    def _merge_problem(self):
        target = self.merged_into
        if target is None:
            return gettext("Choisissez la recommandation dans laquelle celle-ci est fusionnée.")
        if target.pk == self.recommendation_id:
            return gettext("Une recommandation ne peut pas être fusionnée dans elle-même.")
        target_decision = BoardDecision.objects.filter(recommendation=target).first()
        if target_decision is None or target_decision.programme_id != self.programme_id:
            return gettext("Choisissez une recommandation publiée du même programme.")
        if target_decision.position == P.MERGED:
            return gettext(
                "La recommandation %(number)s est elle-même fusionnée dans une autre : choisissez celle-là."
            ) % {"number": target.number}
        if BoardDecision.objects.filter(merged_into=self.recommendation_id).exists():
            return gettext(
                "D'autres recommandations sont fusionnées dans celle-ci : elle ne peut pas à son tour "
                "être fusionnée dans une autre."
            )
        return None

    @transaction.atomic
    def record(self, fact, to_value, user, note="", at=None, **fields):
        """Change ``fact`` to ``to_value`` (with the fact's own ``fields``, such as the amended text or
        the progress), as ``user``, after checking all of it; saves and writes the history row dated
        ``at`` (or now). A follow-up "in progress" again is a progress note. Raises PermissionDenied
        or ValidationError (by field) and then changes nothing."""
        fact = Fact(fact)
        if not self.may_record(user, fact):
            raise PermissionDenied(gettext("Vous ne pouvez pas modifier ce point de la recommandation."))
        # Lock this record, and for a merge the target's too (in a fixed order, so that two merges
        # made at once, each into the other, wait for each other instead of making a loop).
        locked = {self.pk}
        if fact == Fact.POSITION and to_value == P.MERGED and fields.get("merged_into") is not None:
            target = BoardDecision.objects.filter(recommendation=fields["merged_into"]).values_list(
                "pk", flat=True
            )
            locked.update(target)
        rows = {
            row.pk: row
            for row in BoardDecision.objects.select_for_update().filter(pk__in=locked).order_by("pk")
        }
        stored = rows[self.pk]
        unknown = set(fields) - set(FACT_FIELDS[fact][1:])
        if unknown:
            raise ValueError(f"{', '.join(sorted(unknown))} do not belong to {fact}")
        # Start from what is stored (another tab may have changed it), then apply this change.
        for name in (*FACT_FIELDS[Fact.POSITION], *FACT_FIELDS[Fact.ASSEMBLY], *FACT_FIELDS[Fact.FOLLOW_UP]):
            setattr(self, name, getattr(stored, name))
        from_value = self.value_of(fact)
        self.check_transition(fact, from_value, to_value, editing=self.is_edit(fact, to_value, fields, note))
        setattr(self, FACT_FIELD[fact], to_value)
        for name, value in fields.items():
            setattr(self, name, value)
        self.clean_fact(fact, note)
        self.full_clean(exclude=["recommendation", "working_group", "programme"])
        self.updated_by = user
        # Only what this method owns: a page move may update the group and programme meanwhile.
        owned = [name for names in FACT_FIELDS.values() for name in names]
        self.save(update_fields=[*owned, "updated_by", "updated_at"])
        return BoardDecisionHistory.objects.create(
            decision=self,
            fact=fact,
            changed_by=user,
            from_status=from_value,
            to_status=to_value,
            note=note,
            progress=self.progress if fact == Fact.FOLLOW_UP else None,
            changed_at=at or timezone.now(),
        )

    @classmethod
    def for_recommendation(cls, recommendation):
        """The recommendation's decision, created ("received") the first time; tree fields kept current."""
        group = ancestor_of_type(recommendation, "workinggroups.WorkingGroupPage")
        programme = ancestor_of_type(recommendation, "workinggroups.ProgrammePage")
        decision, created = cls.objects.get_or_create(
            recommendation=recommendation, defaults={"working_group": group, "programme": programme}
        )
        if not created and (decision.working_group_id, decision.programme_id) != (
            getattr(group, "pk", None),
            getattr(programme, "pk", None),
        ):
            decision.working_group, decision.programme = group, programme
            decision.save(update_fields=["working_group", "programme"])
        return decision


class BoardDecisionHistory(models.Model):
    """One change of one fact: which, who, when, from, to, why (and the progress, for a follow-up).
    Written once, never edited."""

    decision = models.ForeignKey(BoardDecision, on_delete=models.CASCADE, related_name="history")
    fact = models.CharField(_("point"), max_length=20, choices=Fact.choices, default=Fact.POSITION)
    changed_at = models.DateTimeField(_("date"), default=timezone.now, editable=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_status = models.CharField(_("de"), max_length=20)
    to_status = models.CharField(_("à"), max_length=20)
    note = models.TextField(_("note"), blank=True)
    progress = models.PositiveSmallIntegerField(_("avancement (%)"), null=True, blank=True)

    class Meta:
        verbose_name = _("changement")
        verbose_name_plural = _("historique des décisions")
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.from_label} → {self.to_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(gettext("L'historique des décisions ne se modifie pas."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(gettext("L'historique des décisions ne se supprime pas."))

    @property
    def from_label(self):
        return FACT_VALUES[Fact(self.fact)](self.from_status).label

    @property
    def to_label(self):
        return FACT_VALUES[Fact(self.fact)](self.to_status).label

    @property
    def is_progress_note(self):
        return self.fact == Fact.FOLLOW_UP and self.from_status == self.to_status == F.IN_PROGRESS


class FollowUpRecord(BoardDecision):
    """The same record, seen from its follow-up: the screen the groups' facilitators use too."""

    class Meta:
        proxy = True
        verbose_name = _("suivi d'une recommandation")
        verbose_name_plural = _("suivi des recommandations")
