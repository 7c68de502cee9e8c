"""The outbox: one row per email to deliver, written in the same transaction as what caused it."""

import base64
import email
import email.message
from email.mime.base import MIMEBase

from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _


class OutgoingEmail(models.Model):
    """An email waiting to be handed to the mail server, being handed, handed, or given up on."""

    class Status(models.TextChoices):
        PENDING = "pending", _("à envoyer")
        SENDING = "sending", _("en cours d'envoi")
        SENT = "sent", _("envoyé")
        FAILED = "failed", _("abandonné")

    created_at = models.DateTimeField(_("créé le"), default=timezone.now, db_index=True)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # Whoever needs "never twice" names the email (a digest: person and period): a second email with
    # the same key is not even written.
    key = models.CharField(_("clé"), max_length=200, unique=True, null=True, blank=True)
    to = models.TextField(_("destinataires"))  # for the admin and the logs; the message holds them all
    subject = models.CharField(_("objet"), max_length=998)
    message = models.JSONField(_("message"))
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    # When it may be tried (again): now at first, then 1, 2, 4 ... minutes after each refusal.
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), default=timezone.now)
    # When a task was last queued for it: the sweep queues it again only when that task is overdue.
    queued_at = models.DateTimeField(_("confié au worker le"), default=timezone.now)
    claimed_at = models.DateTimeField(_("pris le"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)

    class Meta:
        verbose_name = _("email sortant")
        verbose_name_plural = _("emails sortants")
        indexes = [
            models.Index(fields=["status", "created_at"], name="outbox_waiting"),
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
        ]

    def __str__(self):
        return f"{self.subject} → {self.to}"

    @classmethod
    def from_message(cls, message, key=None):
        """The row for a Django EmailMessage (alternatives and attachments included)."""
        alternatives = getattr(message, "alternatives", [])
        data = {
            "subject": force_str(message.subject),
            "body": force_str(message.body),
            "from_email": force_str(message.from_email) if message.from_email else None,
            "to": [force_str(address) for address in message.to],
            "cc": [force_str(address) for address in message.cc],
            "bcc": [force_str(address) for address in message.bcc],
            "reply_to": [force_str(address) for address in message.reply_to],
            "headers": {force_str(name): str(value) for name, value in message.extra_headers.items()},
            "alternatives": [[force_str(content), mimetype] for content, mimetype in alternatives],
            "attachments": [_attachment(item) for item in message.attachments],
            "encoding": message.encoding,
        }
        now = timezone.now()
        return cls(
            key=key,
            to=", ".join(force_str(address) for address in message.recipients()),
            subject=data["subject"][:998],
            message=data,
            next_attempt_at=now,
            queued_at=now,
        )

    def to_message(self, connection=None):
        data = self.message
        message = EmailMultiAlternatives(
            subject=data["subject"],
            body=data["body"],
            from_email=data["from_email"],
            to=data["to"],
            cc=data["cc"],
            bcc=data["bcc"],
            reply_to=data["reply_to"],
            headers=data["headers"],
            connection=connection,
        )
        for content, mimetype in data["alternatives"]:
            message.attach_alternative(content, mimetype)
        message.encoding = data.get("encoding")
        for attachment in data["attachments"]:
            if attachment[0] == "mime":  # a MIME part attached whole (an inline image with its Content-ID)
                message.attach(email.message_from_bytes(base64.b64decode(attachment[1]), _class=_Part))
            else:
                filename, content, mimetype = attachment
                message.attach(filename, base64.b64decode(content), mimetype)
        return message


class _Part(MIMEBase):
    """A MIME part read back whole (Django attaches only MIMEBase parts as they are)."""

    def __init__(self):
        email.message.Message.__init__(self)


def _attachment(item):
    """One attachment of an EmailMessage as JSON: [file name, base64 content, type], or ["mime", the
    base64 of the whole part] for a MIME part attached as is (its headers kept)."""
    if isinstance(item, tuple) or hasattr(item, "filename"):
        filename, content, mimetype = item
        raw = content.encode() if isinstance(content, str) else content
        return [filename, base64.b64encode(raw).decode(), mimetype]
    return ["mime", base64.b64encode(item.as_bytes()).decode()]
