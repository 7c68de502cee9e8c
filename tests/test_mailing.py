"""Every email goes through the outbox: written with what caused it, delivered by the task queue,
never lost when the broker or the mail server fails, never sent twice by two workers."""

import datetime
import logging
import time

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone

from mailing import delivery, queue
from mailing.models import OutgoingEmail
from tests.servers import free_ports

S = OutgoingEmail.Status
OUTBOX = "mailing.backends.OutboxBackend"


@pytest.fixture
def outbox(settings):
    """The intranet's own email backend, as in production, delivering to Django's memory outbox."""
    settings.EMAIL_BACKEND = OUTBOX
    settings.MAILING_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    queue.BROKER_OUTAGE.succeeded()
    yield
    queue.BROKER_OUTAGE.succeeded()


def message(to="membre@example.coop", subject="Votre demande d'accès"):
    email = EmailMultiAlternatives(subject, "Bonjour,\n\nVotre demande est acceptée.", to=[to])
    email.attach_alternative("<p>Bonjour,</p><p>Votre demande est <b>acceptée</b>.</p>", "text/html")
    email.attach("invitation.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    email.extra_headers["List-Unsubscribe"] = "<https://intranet.example.coop/desabonnement/abc/>"
    return email


@pytest.mark.django_db
def test_an_email_is_written_to_the_outbox_and_delivered_whole_once_committed(
    outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert message().send() == 1
    row = OutgoingEmail.objects.get()
    assert (row.status, row.to, mail.outbox) == (
        S.PENDING,
        "membre@example.coop",
        [],
    )  # nothing before commit
    for callback in callbacks:
        callback()
    row.refresh_from_db()
    assert row.status == S.SENT and row.attempts == 1 and row.sent_at is not None
    (sent,) = mail.outbox
    assert sent.subject == "Votre demande d'accès" and sent.to == ["membre@example.coop"]
    assert sent.alternatives[0][1] == "text/html" and "<b>acceptée</b>" in sent.alternatives[0][0]
    assert sent.attachments[0][0] == "invitation.ics" and "BEGIN:VCALENDAR" in sent.attachments[0][1]
    assert sent.extra_headers["List-Unsubscribe"] == "<https://intranet.example.coop/desabonnement/abc/>"


@pytest.mark.django_db
def test_what_is_rolled_back_sends_nothing(outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                message().send()
                raise RuntimeError("the approval failed after its email was written")
        except RuntimeError:
            pass
    assert not OutgoingEmail.objects.exists() and mail.outbox == []


class RefusingBackend:
    """A mail server that refuses everything."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server unreachable")


@pytest.mark.django_db
def test_a_refusing_mail_server_keeps_the_email_for_later_then_gives_up_loudly(outbox, settings, caplog):
    settings.MAILING_DELIVERY_BACKEND = f"{__name__}.RefusingBackend"
    row = OutgoingEmail.from_message(message())
    row.save()
    assert delivery.deliver_now(row.pk) == "retry"
    row.refresh_from_db()
    assert row.status == S.PENDING and row.attempts == 1 and "SMTP server unreachable" in row.last_error
    OutgoingEmail.objects.filter(pk=row.pk).update(attempts=delivery.MAX_ATTEMPTS - 1)
    with caplog.at_level(logging.ERROR, logger="mailing.delivery"):
        assert delivery.deliver_now(row.pk) == "failed"
    row.refresh_from_db()
    assert row.status == S.FAILED and any("not sent" in r.getMessage() for r in caplog.records)
    assert delivery.deliver_now(row.pk) == "gone"  # given up: kept to be seen, never sent by surprise


@pytest.mark.django_db
def test_two_workers_never_send_the_same_email(outbox):
    row = OutgoingEmail.from_message(message())
    row.save()
    assert [delivery.deliver_now(row.pk), delivery.deliver_now(row.pk)] == ["sent", "gone"]
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_sweep_finds_what_waits_and_what_a_dead_worker_left(outbox):
    now = timezone.now()
    fresh = OutgoingEmail.from_message(message("a@example.coop"))
    lost = OutgoingEmail.from_message(message("b@example.coop"))
    stuck = OutgoingEmail.from_message(message("c@example.coop"))
    waiting_retry = OutgoingEmail.from_message(message("d@example.coop"))
    for row in (fresh, lost, stuck, waiting_retry):
        row.save()
    old = now - datetime.timedelta(minutes=30)
    OutgoingEmail.objects.filter(pk=lost.pk).update(created_at=old)
    OutgoingEmail.objects.filter(pk=stuck.pk).update(created_at=old, status=S.SENDING, claimed_at=old)
    OutgoingEmail.objects.filter(pk=waiting_retry.pk).update(
        created_at=old, attempts=3, claimed_at=now - datetime.timedelta(minutes=1)
    )
    # Fresh: its own task is on its way. Waiting for its retry: 4 minutes after the third attempt.
    assert sorted(delivery.waiting(now)) == sorted([lost.pk, stuck.pk])
    assert OutgoingEmail.objects.get(pk=stuck.pk).status == S.PENDING
    later = now + datetime.timedelta(minutes=5)
    assert sorted(delivery.waiting(later)) == sorted([fresh.pk, lost.pk, stuck.pk, waiting_retry.pk])


def use_broker(app, url):
    """Point this process's Celery at ``url``, dropping the connections it holds."""
    if app._pool is not None:
        app._pool.force_close_all()
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_the_broker_down_the_request_succeeds_fast_and_the_email_waits(outbox, settings, caplog):
    """Redis (the broker) unreachable: queueing fails in about a second at most, the email stays in
    the outbox for the sweep, the outage is logged once, and the next emails do not wait at all."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from intranet.celery import app

    closed_port = free_ports(1)[0]
    use_broker(app, f"redis://127.0.0.1:{closed_port}/0")
    try:
        with caplog.at_level(logging.ERROR, logger="resilience.outages"):
            started = time.monotonic()
            assert message("a@example.coop").send() == 1  # autocommit: queued at once
            first = time.monotonic() - started
            started = time.monotonic()
            assert message("b@example.coop").send() == 1
            second = time.monotonic() - started
    finally:
        use_broker(app, None)
    assert first < 3 and second < 0.5, (first, second)
    assert list(OutgoingEmail.objects.values_list("status", flat=True)) == [S.PENDING, S.PENDING]
    outages = [r for r in caplog.records if "Task queue (broker) unavailable" in r.getMessage()]
    assert len(outages) == 1 and mail.outbox == []
    # The broker back (here: in-process), the sweep's list holds both.
    later = timezone.now() + datetime.timedelta(minutes=2)
    assert len(delivery.waiting(later)) == 2


@pytest.mark.django_db
def test_the_outbox_keeps_what_django_hands_it_from_any_caller(outbox, django_capture_on_commit_callbacks):
    """Wagtail's workflow emails, password resets: whatever uses Django's send_mail goes through it."""
    with django_capture_on_commit_callbacks(execute=True):
        connection = get_connection()
        assert type(connection).__module__ == "mailing.backends"
        from django.core.mail import send_mail

        send_mail("Sujet", "Corps", "intranet@example.coop", ["x@example.coop", "y@example.coop"])
    assert OutgoingEmail.objects.get().to == "x@example.coop, y@example.coop"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["x@example.coop", "y@example.coop"]
