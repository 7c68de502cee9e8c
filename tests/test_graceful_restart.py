"""Stopping an app server (SIGTERM, as systemd and every deployment tool do) finishes the requests
in flight before it exits; new connections are refused, not half-served."""

import threading
import time

import pytest

from .http_client import RawClient
from .servers import Gunicorn, collect_static, free_ports, server_env

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("graceful restart")]


def test_sigterm_finishes_the_requests_in_flight(tmp_path):
    env = server_env(
        collect_static(tmp_path / "static"),
        DJANGO_SETTINGS_MODULE="tests.slow_server.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",  # the slow page reads nothing
        WEB_CONCURRENCY="3",
    )
    server = Gunicorn(env, free_ports(1)[0], tmp_path / "gunicorn.log")
    answers = []

    def slow_request():
        answers.append(RawClient(server.port).get("/slow/4000"))

    clients = [threading.Thread(target=slow_request) for _ in range(3)]
    try:
        for client in clients:
            client.start()
        time.sleep(1.5)  # the three requests are being served
        stopped_at = time.monotonic()
        server.terminate()
        time.sleep(0.5)
        try:
            late = RawClient(server.port, timeout=3).get("/healthz")
        except OSError as error:
            late = error
        for client in clients:
            client.join(timeout=30)
        exit_code = server.process.wait(timeout=30)
        stopped_after = time.monotonic() - stopped_at
    finally:
        server.stop()

    assert [(status, body) for status, _headers, body in answers] == [(200, b"done after 4000 ms")] * 3
    assert exit_code == 0, server.log()[-2000:]
    assert 2.0 < stopped_after < 12, stopped_after  # it waited for them, and no longer
    # A request that arrives while the server drains is not taken (the proxy sends it elsewhere).
    assert isinstance(late, OSError), late
