"""Django's EMAIL_BACKEND for the whole intranet: writes each email to the outbox and asks the task
queue to deliver it once the transaction that wrote it commits.

Nothing is sent from the request: a slow mail server costs it nothing, and an email is delivered
only if what caused it was saved (a rolled-back approval sends no email). If the task queue cannot
be reached (its broker is down), the email waits in the outbox and the sweep delivers it later
(``mailing.tasks.sweep``, every minute): the request still succeeds and nothing is lost.
"""

import logging

from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from .models import OutgoingEmail
from .queue import TOGETHER, enqueue_delivery

logger = logging.getLogger(__name__)


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        rows = [OutgoingEmail.from_message(message) for message in email_messages if message.recipients()]
        if not rows:
            return 0
        with transaction.atomic():
            for row in rows:
                row.save()
        together = TOGETHER.get()
        for row in rows:
            if together is not None:  # queued with the others at the end (queue.delivered_together)
                transaction.on_commit(lambda pk=row.pk: together.append(pk))
                continue
            # robust: an error here is logged and leaves the email for the sweep; it never reaches
            # the request that already committed, nor stops the commit hooks registered after it.
            transaction.on_commit(lambda pk=row.pk: enqueue_delivery(pk), robust=True)
        return len(rows)
