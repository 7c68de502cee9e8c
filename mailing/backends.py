"""Django's EMAIL_BACKEND for the whole intranet: writes each email to the outbox and asks the task
queue to deliver it once the transaction that wrote it commits.

Nothing is sent from the request: a slow mail server costs it nothing, and an email is delivered
only if what caused it was saved (a rolled-back approval sends no email). If the task queue cannot
be reached (its broker is down), the email waits in the outbox and the sweep delivers it later
(``mailing.tasks.sweep``, every minute): the request still succeeds and nothing is lost.
"""

import logging

from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction

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
        for row in rows:
            _deliver_after_commit(row)
        return len(rows)


def send_once(message, key):
    """Write ``message`` to the outbox under ``key``, unless an email with that key was ever written
    (the unique key decides, even between two processes at once), to be delivered once the caller's
    transaction commits, like any email. Returns 1 or 0.

    For those who need "never twice" (an invitation per version of a meeting, a reminder per start):
    Django's mail API has no way to name an email, and the outbox's key is what makes it a constraint."""
    if OutgoingEmail.objects.filter(key=key).exists():
        return 0
    row = OutgoingEmail.from_message(message, key=key)
    try:
        with transaction.atomic():  # a savepoint: losing the race to the same key undoes this row only
            row.save()
    except IntegrityError:
        return 0
    _deliver_after_commit(row)
    return 1


def _deliver_after_commit(row):
    together = TOGETHER.get()
    if together is not None:  # queued with the others at the end (queue.delivered_together)
        transaction.on_commit(lambda: together.append(row.pk))
        return
    # robust: an error here is logged and leaves the email for the sweep; it never reaches the request
    # that already committed, nor stops the commit hooks registered after it.
    transaction.on_commit(lambda: enqueue_delivery(row.pk), robust=True)
