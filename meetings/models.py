"""A meeting of a working group, before and after it is held: when, where, what for, who comes.

A meeting and its report are two linked records, not one page: a meeting is planned and changed at
once by the group (its invitations cannot wait for the board's approval), while its report is a page
that goes through the moderation workflow like any other. ``Meeting.report`` links them once the
report is written (docs/architecture.md, "Meetings")."""

import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workinggroups.choices import MeetingKind

from .choices import Response, Status

#: What an iCal event shows: a change to any of these is a new SEQUENCE for calendars.
CALENDAR_FIELDS = ("title", "kind", "start", "end", "place", "video_link", "agenda", "status", "group_id")
#: Text typed in a textarea: its line breaks are stored as LF whatever the browser sent.
TEXT_FIELDS = ("place", "agenda", "guests")
#: What moves a meeting: a change to any of these is told to the people invited.
MOVING_FIELDS = ("start", "end", "place", "video_link")
#: An email address between angle brackets at the end of a guest's line: ``Name (Org) <a@b.be>``.
GUEST_ADDRESS = re.compile(r"<([^<>@\s]+@[^<>@\s]+\.[^<>@\s]+)>\s*$")


class MeetingQuerySet(models.QuerySet):
    def of_open_groups(self, open_groups):
        """The meetings of the groups in ``open_groups`` (a queryset of working group pages a person
        may open, from privacy.rules): a meeting is seen by whoever may see its group's page."""
        return self.filter(group__in=open_groups.values("pk"))

    def upcoming(self, now=None):
        return self.filter(end__gte=now or timezone.now()).order_by("start", "pk")


class Meeting(models.Model):
    """One meeting: a monthly meeting, an expert hearing or a site visit of a working group."""

    uid = models.UUIDField(_("identifiant de calendrier"), default=uuid.uuid4, unique=True, editable=False)
    group = models.ForeignKey(
        "workinggroups.WorkingGroupPage",
        verbose_name=_("groupe de travail"),
        on_delete=models.CASCADE,
        related_name="meetings",
    )
    kind = models.CharField(
        _("type de réunion"), max_length=10, choices=MeetingKind.choices, default=MeetingKind.MONTHLY
    )
    title = models.CharField(_("titre"), max_length=255)
    start = models.DateTimeField(_("début"))
    end = models.DateTimeField(_("fin"))
    # False for the meetings made from reports written before meetings existed: their day is known,
    # not their hours; they are shown (and sent to calendars) as a whole day.
    time_known = models.BooleanField(_("heures connues"), default=True, editable=False)
    place = models.TextField(
        _("lieu"), blank=True, help_text=_("L'adresse, telle qu'on l'écrit sur une enveloppe.")
    )
    video_link = models.URLField(
        _("lien de visioconférence"),
        blank=True,
        validators=[URLValidator(schemes=["https"])],
        help_text=_("Une adresse https:// ; laissez vide si la réunion n'a lieu que sur place."),
    )
    agenda = models.TextField(_("ordre du jour"), blank=True, help_text=_("Un point par ligne."))
    guests = models.TextField(
        _("invités et experts"),
        blank=True,
        help_text=_(
            "Une personne par ligne, avec son organisation ; ajoutez son adresse entre < > "
            "(« Nom (Organisation) <nom@exemple.be> ») pour lui envoyer l'invitation."
        ),
    )
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    # RFC 5545 SEQUENCE: raised by every change a calendar shows (CALENDAR_FIELDS), never by hand.
    sequence = models.PositiveIntegerField(_("version"), default=0, editable=False)
    report = models.OneToOneField(
        "workinggroups.MeetingReportPage",
        verbose_name=_("compte rendu"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("planifiée par"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifiée le"), default=timezone.now, editable=False)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("réunion")
        verbose_name_plural = _("réunions")
        ordering = ["start", "pk"]
        indexes = [models.Index(fields=["group", "start"], name="meeting_group_start")]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="meeting_ends_after_start"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        """Saves, raising SEQUENCE when a calendar would show a change, marking a planned meeting moved
        when its time or place changes, and writing the invitations in the same transaction (the outbox
        delivers them once it commits: meetings/invitations.py). The rule is here, not in a form: every
        way of saving keeps it."""
        # A browser sends a textarea's line breaks as CRLF: the same text typed again is no change.
        for name in TEXT_FIELDS:
            setattr(self, name, getattr(self, name).replace("\r\n", "\n").replace("\r", "\n"))
        with transaction.atomic():
            change, new_guests = self._note_change()
            self.updated_at = timezone.now()
            super().save(*args, **kwargs)
            # Imported here: invitations.py builds on this model (its emails and .ics files).
            from .invitations import write_invitations

            if change is not None:
                write_invitations(self, change)
            elif new_guests:
                write_invitations(self, "planned", only=new_guests)

    def delete(self, *args, **kwargs):
        """Deleting a meeting still to come cancels it first: those invited are sent the cancellation,
        so their calendars lose the event instead of keeping a ghost of it."""
        with transaction.atomic():
            if not self.is_past() and self.status != Status.CANCELLED:
                self.status = Status.CANCELLED
                self.save()
            return super().delete(*args, **kwargs)

    @property
    def is_cancelled(self):
        return self.status == Status.CANCELLED

    def is_past(self, now=None):
        return self.end < (now or timezone.now())

    def guest_list(self):
        """The guests' lines as members read them (without the addresses)."""
        return [GUEST_ADDRESS.sub("", line).strip() for line in self.guests.splitlines() if line.strip()]

    def guest_addresses(self):
        """The email addresses given for guests, in order, each once."""
        found = []
        for line in self.guests.splitlines():
            match = GUEST_ADDRESS.search(line.strip())
            if match and match.group(1).lower() not in {address.lower() for address in found}:
                found.append(match.group(1))
        return found

    def place_name(self):
        """The place's first line ("Maison coopérative, salle Agora"), for lists; the page has it all."""
        return next((line.strip() for line in self.place.splitlines() if line.strip()), "")

    def agenda_items(self):
        return [line.strip() for line in self.agenda.splitlines() if line.strip()]

    def clean(self):
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("La fin doit venir après le début.")
        if not self.place.strip() and not self.video_link and self.status != Status.CANCELLED:
            errors["place"] = _("Indiquez un lieu, un lien de visioconférence, ou les deux.")
        if self.status == Status.CANCELLED and self.report_id:
            errors["status"] = _("Une réunion dont le compte rendu existe ne peut pas être annulée.")
        if self.pk is not None and self.group_id != self._saved_group_id():
            errors["group"] = _(
                "Une réunion ne change pas de groupe : annulez-la, puis planifiez-la dans l'autre groupe."
            )
        for line in self.guests.splitlines():
            if "<" in line and not GUEST_ADDRESS.search(line.strip()):
                errors["guests"] = _("« %(line)s » : l'adresse entre < > n'est pas une adresse email.") % {
                    "line": line.strip()[:80]
                }
                break
        if errors:
            raise ValidationError(errors)

    def _saved_group_id(self):
        return type(self).objects.filter(pk=self.pk).values_list("group_id", flat=True).first()

    def _note_change(self):
        """``(change, new guests)``: what this save changes for those invited ("planned", "moved",
        "cancelled" or None), and the guests' addresses added since the last save."""
        if self.pk is None:
            return ("planned" if self.status in (Status.PLANNED, Status.MOVED) else None), []
        rows = type(self).objects.select_for_update().filter(pk=self.pk)
        before = rows.values(*CALENDAR_FIELDS, "sequence", "guests").first()
        if before is None:
            return None, []
        if before["group_id"] != self.group_id:
            # The invitations went to the old group's members: moving it would leave them a ghost.
            raise ValidationError({"group": _("Une réunion ne change pas de groupe.")})
        known = {address.lower() for address in Meeting(guests=before["guests"]).guest_addresses()}
        new_guests = [address for address in self.guest_addresses() if address.lower() not in known]
        changed = {name for name in CALENDAR_FIELDS if before[name] != getattr(self, name)}
        if not changed:
            return None, new_guests
        self.sequence = before["sequence"] + 1
        if changed & {"start", "end"}:
            self.time_known = True  # hours typed for a meeting that had only its day
        if self.status == Status.CANCELLED:
            return ("cancelled" if before["status"] != Status.CANCELLED else None), []
        if changed & set(MOVING_FIELDS) and self.status in (Status.PLANNED, Status.MOVED):
            self.status = Status.MOVED
            return "moved", []
        if before["status"] == Status.CANCELLED and self.status in (Status.PLANNED, Status.MOVED):
            return "planned", []  # called off, then on again
        return None, new_guests


class Answer(models.Model):
    """Whether a member of the group will come: yes, maybe or no. The last answer counts."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="answers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_answers"
    )
    response = models.CharField(_("réponse"), max_length=5, choices=Response.choices)
    answered_at = models.DateTimeField(_("répondu le"), default=timezone.now)

    class Meta:
        verbose_name = _("réponse à une réunion")
        verbose_name_plural = _("réponses aux réunions")
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="one_answer_per_person")]

    def __str__(self):
        return f"{self.user} → {self.meeting}: {self.get_response_display()}"
