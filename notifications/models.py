"""Follows, events, each person's notifications of them, how each person wants their emails, and
the record of what was emailed (never twice: one delivery per person and event or digest period)."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import DEFAULT_FREQUENCY, Frequency, Kind

USER = settings.AUTH_USER_MODEL


class Follow(models.Model):
    """A person's own choice about one page (the programme, a working group, a recommendation).

    Without a row, the defaults apply (follows.py): a group's members follow their group, the board
    follows the programme. A row with ``following=False`` undoes a default, and stays undone."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="follows")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    following = models.BooleanField(_("suivi"), default=True)
    changed_at = models.DateTimeField(_("modifié le"), default=timezone.now)

    class Meta:
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnements")
        constraints = [models.UniqueConstraint(fields=["user", "page"], name="one_follow_per_page")]

    def __str__(self):
        return f"{self.user} {'→' if self.following else '✗'} {self.page_id}"


class Event(models.Model):
    """Something that happened, once, whoever hears of it. What it says is read from the objects it
    names when it is shown, so a title changed or hidden since is never sent from a stale copy."""

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    document = models.ForeignKey(
        "documents.LibraryDocument", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    access_request = models.ForeignKey(
        "documents.AccessRequest", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    decision_change = models.ForeignKey(
        "workinggroups.BoardDecisionHistory",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    #: For an answer to one person (access, moderation): that person, and nobody else.
    recipient = models.ForeignKey(USER, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    #: What the event adds to its objects (a moderation's outcome and comment).
    data = models.JSONField(default=dict, blank=True)
    announced_at = models.DateTimeField(_("annoncé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")

    def __str__(self):
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"


class Notification(models.Model):
    """One event for one person: on their notifications page, in their feed, in an email or a digest."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="notifications")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)  # the event's, to filter on
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    read_at = models.DateTimeField(_("lue le"), null=True, blank=True)
    #: The email that told the person (at once, or in a digest); empty while none did.
    delivery = models.ForeignKey(
        "Delivery", null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="one_notification_per_event")]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread"),
            models.Index(fields=["user", "-created_at"], name="notification_page"),
            models.Index(
                fields=["kind", "created_at"],
                name="notification_undelivered",
                condition=models.Q(delivery=None),
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.event}"


class Preference(models.Model):
    """How a person wants to hear about one kind of event, when they chose (choices.DEFAULT_FREQUENCY
    otherwise)."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="notification_preferences")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    frequency = models.CharField(_("envoi"), max_length=10, choices=Frequency.choices)

    class Meta:
        verbose_name = _("préférence de notification")
        verbose_name_plural = _("préférences de notification")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]

    def __str__(self):
        return f"{self.user}: {self.kind} → {self.frequency}"

    @staticmethod
    def default_for(kind):
        return DEFAULT_FREQUENCY.get(Kind(kind), Frequency.NEVER)


class Delivery(models.Model):
    """One email to one person: for one event (``period`` "event:<id>") or one digest ("daily:<date>",
    "weekly:<year>-W<week>"). The constraint is what makes a retried task send nothing twice: the row,
    the email in the outbox and the notifications it covers are written in one transaction."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(_("période"), max_length=40)
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    items = models.PositiveIntegerField(_("éléments"), default=0)

    class Meta:
        verbose_name = _("envoi")
        verbose_name_plural = _("envois")
        constraints = [models.UniqueConstraint(fields=["user", "period"], name="one_delivery_per_period")]

    def __str__(self):
        return f"{self.user}: {self.period}"


def new_feed_key():
    return secrets.token_urlsafe(32)


class FeedToken(models.Model):
    """The secret in a person's feed addresses. Regenerating it makes every old address answer 404."""

    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="feed_token")
    key = models.CharField(_("clé"), max_length=64, unique=True, default=new_feed_key)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)

    class Meta:
        verbose_name = _("adresse de flux")
        verbose_name_plural = _("adresses de flux")

    def __str__(self):
        return str(self.user)


class Visit(models.Model):
    """When a person was last seen, and where their current visit started from: what is newer than
    ``since`` is marked "new" for them."""

    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="+")
    last_seen = models.DateTimeField(default=timezone.now)
    since = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.user}: {self.last_seen:%Y-%m-%d %H:%M}"
