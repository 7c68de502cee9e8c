"""The outbox through a real Celery worker, a real Redis and a real SMTP conversation (an aiosmtpd
sink on a loopback port): every email arrives, and a worker killed in the middle of a run loses
none; the next worker and the sweep finish the work."""

import time

import pytest
from django.db import connection

from mailing.models import OutgoingEmail

from .servers import Worker, wait_for
from .test_mailing import message

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the worker shares the PostgreSQL test database: run with DATABASE_URL (CI does)",
    ),
    pytest.mark.slow,
    pytest.mark.xdist_group("task queue"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_real_worker_delivers_over_smtp_and_one_killed_in_the_middle_loses_nothing(
    worker_env, sink, tmp_path
):
    """A hundred emails through a real worker and Redis to a real SMTP server; the worker is killed
    once a quarter have gone. Restarted, the worker and its sweep send the rest: every person gets
    theirs, whole. An email the killed worker had claimed but not recorded may go twice (at most one
    per process it had), never none."""
    recipients = [f"membre-{n}@example.coop" for n in range(100)]
    worker = Worker(worker_env, tmp_path / "first.log")
    try:
        for to in recipients:
            message(to).send()
        wait_for(lambda: len(sink.recipients()) >= 25, 60, f"25 emails; worker log:\n{worker.log()}")
    finally:
        worker.kill()
    at_the_kill = len(sink.recipients())
    sending = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENDING).count()
    assert at_the_kill < 100, "the worker finished before it was killed: nothing was tested"
    restarted = Worker(worker_env, tmp_path / "second.log")
    try:
        wait_for(
            lambda: not OutgoingEmail.objects.exclude(status=OutgoingEmail.Status.SENT).exists(),
            120,
            f"the rest; worker log:\n{restarted.log()}",
        )
        time.sleep(2)
    finally:
        restarted.kill()
    received = sink.recipients()
    assert set(received) == set(recipients)
    duplicates = len(received) - len(set(received))
    assert duplicates <= sending <= 2, (duplicates, sending)
    print(f"\nkilled after {at_the_kill} of 100; {sending} claimed and unrecorded; {duplicates} sent twice")
    _tos, first = sink.messages[0]
    assert first["Subject"] == "Votre demande d'accès" and first["List-Unsubscribe"]
    assert first.is_multipart() and "text/html" in {part.get_content_type() for part in first.walk()}
    assert [part.get_filename() for part in first.walk() if part.get_filename()] == ["invitation.ics"]
