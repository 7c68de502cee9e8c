"""Servers the tests start for themselves on spare loopback ports: gunicorn with production
settings, a ``redis-server``, a PostgreSQL cluster (``initdb``/``pg_ctl``), an SMTP sink and a Celery
worker. Stopping them touches nothing else on the machine."""

import contextlib
import email
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from email.policy import default
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from .http_client import RawClient

ROOT = Path(__file__).resolve().parent.parent


def free_ports(count):
    """Loopback ports nothing listens on now (two runs of the suite at once do not collide)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return tuple(sock.getsockname()[1] for sock in sockets)
    finally:
        for sock in sockets:
            sock.close()


def server_secrets(static_root):
    return {
        "SECRET_KEY": "servers-test-" + "k" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "TRUSTED_PROXY_COUNT": "0",
        "STATIC_ROOT": str(static_root),
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": "ERROR",
    }


def collect_static(root):
    """Production settings serve hashed static files: collected once per module, as a deployment does."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "intranet.settings.production", **server_secrets(root)}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    return root


def database_url(settings=None, name=None):
    settings = settings or connection.settings_dict
    user = settings["USER"] or ""
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings["HOST"] or "127.0.0.1"
    return f"postgres://{user}{password}@{host}:{settings['PORT'] or 5432}/{name or settings['NAME']}"


def server_env(static_root, **overrides):
    env = {
        **os.environ,
        **server_secrets(static_root),
        "DJANGO_SETTINGS_MODULE": "intranet.settings.production",
        "DATABASE_URL": database_url(),
        "WEB_CONCURRENCY": "1",
        **overrides,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    if "REDIS_URL" not in overrides:
        env.pop("REDIS_URL", None)
    return env


class Gunicorn:
    """``gunicorn -c intranet/gunicorn.conf.py`` in its own process group, its log in a file."""

    def __init__(self, env, port, log_path):
        self.port = port
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-c", "intranet/gunicorn.conf.py"],
            cwd=ROOT,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
            start_new_session=True,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        for _ in range(240):
            assert self.process.poll() is None, f"gunicorn stopped:\n{self.log()[-3000:]}"
            try:
                if RawClient(port).get("/healthz")[0] in (200, 503):
                    return
            except OSError:
                pass
            time.sleep(0.25)
        self.stop()
        pytest.fail(f"gunicorn on port {port} did not answer /healthz:\n{self.log()[-3000:]}")

    def log(self):
        return Path(self.log_path).read_text(errors="replace")

    def terminate(self):
        os.killpg(self.process.pid, signal.SIGTERM)

    def stop(self):
        if self.process.poll() is None:
            self.terminate()
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


def require(program):
    path = shutil.which(program) or next(
        iter(sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{program}"))), None
    )
    if path is None:
        pytest.skip(f"{program} is not installed: these tests start their own (CI installs it)")
    return str(path)


class RedisServer:
    """A ``redis-server`` of the test's own, keeping nothing on disk."""

    def __init__(self, workdir):
        self.binary = require("redis-server")
        self.port = free_ports(1)[0]
        self.workdir = workdir
        self.process = None
        self.start()

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        import redis

        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.RedisError:
                time.sleep(0.05)
        pytest.fail("redis-server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def pause(self):
        """As a network partition: connections hang, nothing is lost."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self):
        self.process.send_signal(signal.SIGCONT)


class PostgresCluster:
    """A PostgreSQL cluster of the test's own (``initdb``, ``pg_ctl``), trust authentication on loopback.

    PostgreSQL refuses to run as root: as root, its programs run as the ``postgres`` user, in a
    folder that user owns.
    """

    def __init__(self):
        self.initdb, self.pg_ctl = require("initdb"), require("pg_ctl")
        self.port = free_ports(1)[0]
        self.folder = Path(tempfile.mkdtemp(prefix="intranet-test-pg-"))
        self.data = self.folder / "data"
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            shutil.chown(self.folder, "postgres")
        self._run(self.initdb, "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.start()

    def _run(self, *command):
        prefix = ["runuser", "-u", "postgres", "--"] if self._as_postgres else []
        subprocess.run([*prefix, *command], check=True, capture_output=True)

    def url(self, name):
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def start(self):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            self.pg_ctl, "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "start"
        )

    def stop(self, mode="fast"):
        self._run(self.pg_ctl, "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self):
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


def use_broker(app, url):
    """Point this process's Celery at ``url``, dropping the connections it holds."""
    if app._pool is not None:
        app._pool.force_close_all()
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


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


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")
