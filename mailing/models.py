"""The outbox: one row per email to deliver, written in the same transaction as what caused it."""

import base64

from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.utils import timezone
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
    claimed_at = models.DateTimeField(_("pris le"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)

    class Meta:
        verbose_name = _("email sortant")
        verbose_name_plural = _("emails sortants")
        indexes = [models.Index(fields=["status", "created_at"], name="outbox_waiting")]

    def __str__(self):
        return f"{self.subject} → {self.to}"

    @classmethod
    def from_message(cls, message, key=None):
        """The row for a Django EmailMessage (alternatives and attachments included)."""
        alternatives = getattr(message, "alternatives", [])
        data = {
            "subject": message.subject,
            "body": message.body,
            "from_email": message.from_email,
            "to": list(message.to),
            "cc": list(message.cc),
            "bcc": list(message.bcc),
            "reply_to": list(message.reply_to),
            "headers": dict(message.extra_headers),
            "alternatives": [[content, mimetype] for content, mimetype in alternatives],
            "attachments": [_attachment(item) for item in message.attachments],
        }
        return cls(
            key=key,
            to=", ".join(message.recipients()),
            subject=message.subject[:998],
            message=data,
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
        for filename, content, mimetype in data["attachments"]:
            message.attach(filename, base64.b64decode(content), mimetype)
        return message


def _attachment(item):
    """(file name, base64 content, type) of one attachment of an EmailMessage."""
    if isinstance(item, tuple) or hasattr(item, "filename"):
        filename, content, mimetype = item
        raw = content.encode() if isinstance(content, str) else content
        return [filename, base64.b64encode(raw).decode(), mimetype]
    # A MIMEBase part attached as is.
    return [
        item.get_filename(),
        base64.b64encode(item.get_payload(decode=True)).decode(),
        item.get_content_type(),
    ]
