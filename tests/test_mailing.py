"""Every email goes through the outbox: written with what caused it, delivered by the task queue,
never lost when the broker or the mail server fails, never sent twice by two workers."""

import datetime
import logging
import time

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends import locmem
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from mailing import delivery, queue
from mailing.models import OutgoingEmail
from tests.servers import free_ports, use_broker

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


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses everything."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server unreachable")


class OneConversationBackend(locmem.EmailBackend):
    """Django's memory outbox, counting the conversations opened with the mail server."""

    opened = 0

    def open(self):
        if getattr(self, "_open", False):
            return False
        self._open = True
        type(self).opened += 1
        return True

    def close(self):
        self._open = False


@pytest.mark.django_db
def test_a_refusing_mail_server_keeps_the_email_for_later_then_gives_up_loudly(outbox, settings, caplog):
    settings.MAILING_DELIVERY_BACKEND = f"{__name__}.RefusingBackend"
    row = OutgoingEmail.from_message(message())
    row.save()
    assert delivery.deliver_now(row.pk) == "retry"
    row.refresh_from_db()
    assert row.status == S.PENDING and row.attempts == 1 and "SMTP server unreachable" in row.last_error
    assert row.next_attempt_at > timezone.now() + datetime.timedelta(seconds=50)  # a minute later
    assert delivery.deliver_now(row.pk) == "gone"  # a second task, or the sweep, early: nothing spent
    assert OutgoingEmail.objects.get(pk=row.pk).attempts == 1
    OutgoingEmail.objects.filter(pk=row.pk).update(
        attempts=delivery.MAX_ATTEMPTS - 1, next_attempt_at=timezone.now()
    )
    with caplog.at_level(logging.ERROR, logger="mailing.delivery"):
        assert delivery.deliver_now(row.pk) == "failed"
    row.refresh_from_db()
    assert row.status == S.FAILED and any("not sent" in r.getMessage() for r in caplog.records)
    assert "membre@example.coop" not in caplog.text  # the logs name the row, not the person
    assert delivery.deliver_now(row.pk) == "gone"  # given up: kept to be seen, never sent by surprise
    assert delivery.emails_are_late()  # /healthz says so for a day
    assert delivery.retry_failed() == 1 and delivery.deliver_now(row.pk) == "retry"


@pytest.mark.django_db
def test_without_a_worker_a_refused_email_is_tried_again_when_the_next_one_goes(
    outbox, settings, django_capture_on_commit_callbacks
):
    settings.MAILING_DELIVERY_BACKEND = f"{__name__}.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        message("a@example.coop").send()
    assert OutgoingEmail.objects.get().status == S.PENDING
    OutgoingEmail.objects.update(next_attempt_at=timezone.now())  # its minute has passed
    settings.MAILING_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        message("b@example.coop").send()
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.coop", "b@example.coop"]
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {S.SENT}
    assert set(map(str, OutgoingEmail.objects.values_list("message", flat=True))) == {"{}"}  # not kept


@pytest.mark.django_db
def test_odd_messages_keep_their_parts(outbox, django_capture_on_commit_callbacks):
    """A lazy translated subject, a header that is no string, an inline image with its Content-ID."""
    from email.mime.image import MIMEImage

    from django.utils.translation import gettext_lazy

    email = message()
    email.subject = gettext_lazy("Votre demande d'accès")
    email.extra_headers["X-Count"] = 3
    image = MIMEImage(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "gif")
    image.add_header("Content-ID", "<logo>")
    email.attach(image)
    with django_capture_on_commit_callbacks(execute=True):
        assert email.send() == 1
    (sent,) = mail.outbox
    assert sent.subject == "Votre demande d'accès" and sent.extra_headers["X-Count"] == "3"
    inline = sent.attachments[-1]
    assert inline["Content-ID"] == "<logo>" and inline.get_content_type() == "image/gif"


@pytest.mark.django_db
def test_two_workers_never_send_the_same_email(outbox):
    row = OutgoingEmail.from_message(message())
    row.save()
    assert [delivery.deliver_now(row.pk), delivery.deliver_now(row.pk)] == ["sent", "gone"]
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_many_emails_go_over_one_conversation_each_claimed_and_recorded_alone(outbox, settings):
    settings.MAILING_DELIVERY_BACKEND = f"{__name__}.OneConversationBackend"
    OneConversationBackend.opened = 0
    rows = [OutgoingEmail.from_message(message(f"{n}@example.coop")) for n in range(4)]
    for row in rows:
        row.save()
    assert delivery.deliver_now(rows[0].pk) == "sent"
    outcomes = delivery.deliver_many([row.pk for row in rows])
    assert outcomes == {rows[0].pk: "gone", rows[1].pk: "sent", rows[2].pk: "sent", rows[3].pk: "sent"}
    assert OneConversationBackend.opened == 2  # deliver_now's, then one for the three
    assert sorted(sent.to[0] for sent in mail.outbox) == [f"{n}@example.coop" for n in range(4)]
    assert set(OutgoingEmail.objects.values_list("status", "attempts")) == {(S.SENT, 1)}


@pytest.mark.django_db
def test_delivering_many_stops_at_a_refusal_and_leaves_the_rest_waiting_for_the_sweep(outbox, settings):
    settings.MAILING_DELIVERY_BACKEND = f"{__name__}.RefusingBackend"
    rows = [OutgoingEmail.from_message(message(f"{n}@example.coop")) for n in range(3)]
    for row in rows:
        row.save()
    outcomes = delivery.deliver_many([row.pk for row in rows])
    assert [outcomes[row.pk] for row in rows] == ["retry", "gone", "gone"]  # one attempt, not three
    states = OutgoingEmail.objects.order_by("pk").values_list("status", "attempts")
    assert list(states) == [(S.PENDING, 1), (S.PENDING, 0), (S.PENDING, 0)]
    later = timezone.now() + datetime.timedelta(minutes=2)
    assert set(delivery.waiting(later)) == {row.pk for row in rows}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_emails_written_together_go_when_the_block_ends_and_rolled_back_ones_never(outbox, settings):
    """A digest batch's emails: sent by the task that wrote them once it has written them all, over
    one conversation, with no task each; an email whose transaction rolled back is neither."""
    settings.MAILING_DELIVERY_BACKEND = f"{__name__}.OneConversationBackend"
    OneConversationBackend.opened = 0
    with queue.delivered_together():
        message("a@example.coop").send()
        with transaction.atomic():
            message("b@example.coop").send()
        try:
            with transaction.atomic():
                message("c@example.coop").send()
                raise RuntimeError("the digest's delivery row was written by another run")
        except RuntimeError:
            pass
        assert mail.outbox == []  # nothing before the block ends
    assert sorted(sent.to[0] for sent in mail.outbox) == ["a@example.coop", "b@example.coop"]
    assert OneConversationBackend.opened == 1
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {S.SENT}


@pytest.mark.django_db
def test_the_sweep_queues_what_is_due_and_overdue_and_what_a_dead_worker_left(outbox):
    now = timezone.now()
    rows = {}
    for name in ("fresh", "lost", "stuck", "refused", "retry_due"):
        rows[name] = OutgoingEmail.from_message(message(f"{name}@example.coop"))
        rows[name].save()
    old = now - datetime.timedelta(minutes=30)
    OutgoingEmail.objects.filter(pk=rows["lost"].pk).update(
        created_at=old, queued_at=old, next_attempt_at=old
    )
    OutgoingEmail.objects.filter(pk=rows["stuck"].pk).update(status=S.SENDING, claimed_at=old)
    OutgoingEmail.objects.filter(pk=rows["refused"].pk).update(
        attempts=3, queued_at=old, next_attempt_at=now + datetime.timedelta(minutes=3)
    )
    OutgoingEmail.objects.filter(pk=rows["retry_due"].pk).update(
        attempts=1,
        queued_at=now - datetime.timedelta(seconds=50),
        next_attempt_at=now - datetime.timedelta(seconds=1),
    )
    # Fresh: its own task is on its way. Refused: its next attempt is in three minutes.
    expected = {rows[name].pk for name in ("lost", "stuck", "retry_due")}
    assert set(delivery.waiting(now)) == expected
    assert OutgoingEmail.objects.get(pk=rows["stuck"].pk).status == S.PENDING
    assert delivery.waiting(now) == []  # just queued: not again before their task is overdue
    later = now + datetime.timedelta(minutes=5)
    assert set(delivery.waiting(later)) == {row.pk for row in rows.values()}


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
    assert first < 2 and second < 0.5, (first, second)
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


@pytest.mark.django_db
def test_a_password_reset_goes_through_the_outbox_and_its_link_is_not_kept(
    outbox, django_capture_on_commit_callbacks
):
    from django.test import Client

    from tests.factories import UserFactory

    UserFactory(username="membre", email="membre@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/mot-de-passe/oublie/", {"email": "membre@example.org"})
    assert response.status_code == 302
    (sent,) = mail.outbox
    assert "/mot-de-passe/nouveau/" in sent.body and sent.to == ["membre@example.org"]
    row = OutgoingEmail.objects.get()
    assert row.status == S.SENT and "mot-de-passe/nouveau" not in str(row.message)


@pytest.mark.django_db
def test_the_outbox_command_says_where_work_runs_and_sweeps(outbox, settings):
    from io import StringIO

    from django.core.management import call_command

    row = OutgoingEmail.from_message(message())
    row.save()
    OutgoingEmail.objects.filter(pk=row.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=20))
    out = StringIO()
    call_command("outbox", "--sweep", stdout=out)
    text = out.getvalue()
    assert "dans le processus qui le demande" in text and "à envoyer : 1" in text
    assert "Le plus ancien email en attente date de 20 minutes." in text and "1 envoyés" in text
    assert OutgoingEmail.objects.get().status == S.SENT and len(mail.outbox) == 1
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://:s3cret@127.0.0.1:6379/1"
    out = StringIO()
    call_command("outbox", stdout=out)
    assert "redis://:**@127.0.0.1:6379/1" in out.getvalue() and "s3cret" not in out.getvalue()
