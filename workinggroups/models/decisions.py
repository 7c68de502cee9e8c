"""The board's decision on each recommendation, and the history of its status."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel

from ..choices import DecisionStatus, in_order
from ..forms import BoardDecisionForm
from ..tree import ancestor_of_type

S = DecisionStatus
#: Where each status may go next. Anything else is refused with a message.
TRANSITIONS = {
    S.RECEIVED: {S.UNDER_ANALYSIS, S.DEFERRED},
    S.UNDER_ANALYSIS: {S.ADOPTED, S.AMENDED, S.DEFERRED, S.REJECTED},
    S.DEFERRED: {S.UNDER_ANALYSIS, S.ADOPTED, S.AMENDED, S.REJECTED},
    S.ADOPTED: {S.UNDER_ANALYSIS, S.PRESENTED, S.IMPLEMENTED},
    S.AMENDED: {S.UNDER_ANALYSIS, S.PRESENTED, S.IMPLEMENTED},
    S.REJECTED: {S.UNDER_ANALYSIS, S.PRESENTED},
    S.PRESENTED: {S.IMPLEMENTED},
    S.IMPLEMENTED: set(),
}


#: The board's position on the recommendation, as opposed to what happened to it afterwards.
POSITIONS = {S.ADOPTED, S.AMENDED, S.DEFERRED, S.REJECTED}
ADOPTED_POSITIONS = {S.ADOPTED, S.AMENDED}
#: Statuses that are the board's own stand, before or once it has taken a position.
BOARD_POSITIONS = [S.RECEIVED, S.UNDER_ANALYSIS, S.ADOPTED, S.AMENDED, S.DEFERRED, S.REJECTED]
#: Statuses that say what happened at and after the general assembly (the position is kept apart).
AFTER_THE_ASSEMBLY = {S.PRESENTED, S.IMPLEMENTED}


def board_position_of(status, position):
    """Where the board stands, whatever happened since: two facts members ask about separately
    (what did the board decide? what did the assembly do?) are never folded into one status."""
    if status in AFTER_THE_ASSEMBLY:
        return DecisionStatus(position) if position else None
    return DecisionStatus(status)


def board_position_filter(value, prefix=""):
    """A filter on the board's position ``value`` (one of BOARD_POSITIONS), for a query on decisions
    (or, with ``prefix``, on the rows that point at them)."""
    at_the_board = models.Q(**{f"{prefix}status": value})
    if value in POSITIONS:
        return at_the_board | models.Q(
            **{f"{prefix}status__in": AFTER_THE_ASSEMBLY, f"{prefix}position": value}
        )
    return at_the_board


class BoardDecision(models.Model):
    """Where the board stands on one recommendation. Created when the recommendation is first published."""

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
    status = models.CharField(_("statut"), max_length=20, choices=DecisionStatus.choices, default=S.RECEIVED)
    # The board's position before any presentation to the assembly: implementation needs it adopted.
    position = models.CharField(
        _("position du Conseil"), max_length=20, choices=DecisionStatus.choices, blank=True, editable=False
    )
    amended_text = models.TextField(
        _("texte amendé"),
        blank=True,
        help_text=_("Obligatoire quand la recommandation est adoptée avec amendement."),
    )
    reasoning = models.TextField(
        _("motivation du Conseil"),
        blank=True,
        help_text=_("Obligatoire quand la recommandation est amendée, reportée ou rejetée."),
    )
    assembly_date = models.DateField(_("date de l'assemblée générale"), null=True, blank=True)
    assembly_outcome = models.TextField(
        _("résultat à l'assemblée générale"),
        blank=True,
        help_text=_(
            "Ce que l'assemblée générale a décidé. Obligatoire une fois la recommandation présentée."
        ),
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

    panels = [
        HelpPanel(
            template="workinggroups/admin/decision_recommendation_panel.html", heading=_("Recommandation")
        ),
        FieldRowPanel([FieldPanel("status"), FieldPanel("decided_on")]),
        FieldPanel("amended_text"),
        FieldPanel("reasoning"),
        FieldRowPanel([FieldPanel("assembly_date"), FieldPanel("assembly_outcome")]),
        FieldPanel("note"),
    ]
    base_form_class = BoardDecisionForm

    class Meta:
        verbose_name = _("décision du Conseil")
        verbose_name_plural = _("décisions du Conseil")
        ordering = ["recommendation__number"]

    def __str__(self):
        return gettext("Décision sur la recommandation %(number)s « %(title)s »") % {
            "number": self.recommendation.number,
            "title": self.recommendation.title,
        }

    @property
    def board_position(self):
        return board_position_of(self.status, self.position)

    @property
    def presented_to_assembly(self):
        return self.status in AFTER_THE_ASSEMBLY

    def allowed_next(self, from_status=None):
        return TRANSITIONS[DecisionStatus(from_status or self.status)]

    def check_transition(self, from_status, to_status):
        """Refuse a move from ``from_status`` to ``to_status`` with a message for the board."""
        if from_status == to_status:
            return
        allowed = TRANSITIONS[DecisionStatus(from_status)]
        if to_status not in allowed:
            names = ", ".join(f"« {status.label} »" for status in in_order(allowed)) or gettext("aucun")
            raise ValidationError(
                {
                    "status": gettext(
                        "Une recommandation « %(from)s » ne peut pas passer à « %(to)s ». "
                        "Statuts possibles : %(allowed)s."
                    )
                    % {
                        "from": DecisionStatus(from_status).label,
                        "to": DecisionStatus(to_status).label,
                        "allowed": names,
                    }
                }
            )
        if to_status == S.IMPLEMENTED and self.position not in ADOPTED_POSITIONS:
            raise ValidationError(
                {
                    "status": gettext(
                        "Seule une recommandation adoptée par le Conseil peut être mise en œuvre."
                    )
                }
            )

    def clean(self):
        errors = {}
        if self.status == S.AMENDED and not self.amended_text.strip():
            errors["amended_text"] = gettext("Indiquez le texte amendé par le Conseil.")
        if self.status in {S.AMENDED, S.DEFERRED, S.REJECTED} and not self.reasoning.strip():
            errors["reasoning"] = gettext("Indiquez la motivation du Conseil.")
        if self.status == S.PRESENTED:
            if not self.assembly_date:
                errors["assembly_date"] = gettext("Indiquez la date de l'assemblée générale.")
            if not self.assembly_outcome.strip():
                errors["assembly_outcome"] = gettext("Indiquez ce que l'assemblée générale a décidé.")
        if errors:
            raise ValidationError(errors)

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

    @transaction.atomic
    def change_status(self, to_status, user, note="", at=None):
        """Move to ``to_status`` (validated), saving the decision and a history row dated ``at`` (or now)."""
        stored = BoardDecision.objects.select_for_update().get(pk=self.pk)
        from_status = stored.status
        self.position = stored.position
        self.check_transition(from_status, to_status)
        self.status = to_status
        self.full_clean(exclude=["recommendation", "working_group", "programme"])
        if to_status in POSITIONS:
            self.position = to_status
        self.updated_by = user
        self.save()
        if from_status != to_status:
            BoardDecisionHistory.objects.create(
                decision=self,
                changed_by=user,
                from_status=from_status,
                to_status=to_status,
                note=note,
                changed_at=at or timezone.now(),
            )
        return self


class BoardDecisionHistory(models.Model):
    """One change of status: who, when, from, to, why. Written once, never edited."""

    decision = models.ForeignKey(BoardDecision, on_delete=models.CASCADE, related_name="history")
    changed_at = models.DateTimeField(_("date"), default=timezone.now, editable=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_status = models.CharField(_("de"), max_length=20, choices=DecisionStatus.choices)
    to_status = models.CharField(_("à"), max_length=20, choices=DecisionStatus.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("changement de statut")
        verbose_name_plural = _("historique des décisions")
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(gettext("L'historique des décisions ne se modifie pas."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(gettext("L'historique des décisions ne se supprime pas."))
