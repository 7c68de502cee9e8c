"""The outbox through a real Celery worker, a real Redis and a real SMTP conversation (an aiosmtpd
sink on a loopback port): every email arrives, and a worker killed in the middle of a run loses
none; the next worker and the sweep finish the work."""

import email
import os
import signal
import subprocess
import sys
import threading
import time
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from mailing import queue
from mailing.models import OutgoingEmail

from .servers import ROOT, RedisServer, free_ports, server_env
from .test_mailing import message, use_broker

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the worker shares the PostgreSQL test database: run with DATABASE_URL (CI does)",
    ),
    pytest.mark.slow,
    pytest.mark.xdist_group("task queue"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


class Sink:
    """An SMTP server that keeps every message it accepts (aiosmtpd), on 127.0.0.1."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=free_ports(1)[0])
        self.controller.start()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(
                (envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=default))
            )
        return "250 Message accepted for delivery"

    @property
    def port(self):
        return self.controller.port

    def recipients(self):
        with self.lock:
            return [to for tos, _message in self.messages for to in tos]

    def stop(self):
        self.controller.stop()


class Worker:
    """``celery -A intranet worker`` (with its scheduler) in a process group of its own."""

    def __init__(self, env, log_path):
        self.log_path = log_path
        self._log = open(log_path, "ab")  # noqa: SIM115 - closed in stop()
        command = [sys.executable, "-m", "celery", "-A", "intranet", "worker", "--beat", "--concurrency", "2"]
        command += ["--loglevel", "WARNING", "--schedule", str(log_path.with_suffix(".schedule"))]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def kill(self):
        """As a crash or an out-of-memory kill: the whole group at once, nothing finished."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self._log.close()

    def log(self):
        return self.log_path.read_text(errors="replace")


@pytest.fixture
def sink():
    server = Sink()
    yield server
    server.stop()


@pytest.fixture
def broker(tmp_path):
    from intranet.celery import app

    redis = RedisServer(tmp_path)
    use_broker(app, redis.url)
    queue.BROKER_OUTAGE.succeeded()
    yield redis
    use_broker(app, None)
    redis.stop()


@pytest.fixture
def worker_env(tmp_path, sink, broker, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.EMAIL_BACKEND = "mailing.backends.OutboxBackend"
    return server_env(
        tmp_path,
        CELERY_BROKER_URL=broker.url,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(sink.port),
        # The sweep every two seconds, taking up what waits after three and what a dead worker left
        # "sending" after five (in production: every minute, after one and after ten minutes).
        MAILING_SWEEP_EVERY="2",
        MAILING_SWEEP_AFTER_SECONDS="3",
        MAILING_STUCK_AFTER_SECONDS="5",
        LOG_LEVEL="WARNING",
    )


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


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
