"""Two production app servers (gunicorn, production settings) sharing PostgreSQL and Redis.

A login made on one is valid on the other; a page the board publishes through one is shown
by the other at once, and a board decision recorded through one too; a lockout recorded by
one holds on the other. Nothing is shared between the two processes but the database and
the cache, as between two machines.
"""

import os
import secrets
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from workinggroups.models import BoardDecision, BoardPosition

from .factories import PASSWORD, RecommendationPageFactory, make_working_group
from .http_client import RawClient
from .servers import Gunicorn, collect_static, free_ports, server_env
from .workflow_helpers import report_awaiting_the_board

ROOT = Path(__file__).resolve().parent.parent


pytestmark = [
    # Skipped before anything is built (the static files take seconds to collect) when not on PostgreSQL.
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="two app servers share one PostgreSQL database: run with DATABASE_URL (CI does)",
    ),
    pytest.mark.slow,
    pytest.mark.xdist_group("two app servers"),  # static files collected once for the module
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    return collect_static(tmp_path_factory.mktemp("static"))


@pytest.fixture
def servers(static_root, tmp_path):
    import redis

    redis_url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
    redis.Redis.from_url(redis_url).flushdb()
    env = server_env(static_root, REDIS_URL=redis_url, DOCUMENTS_ROOT=str(tmp_path / "documents"))
    started = []
    try:
        for port in free_ports(2):
            started.append(Gunicorn(env, port, tmp_path / f"gunicorn-{port}.log"))
        yield tuple(server.port for server in started)
    finally:
        for server in started:
            server.stop()
        redis.Redis.from_url(redis_url).flushdb()


@pytest.fixture
def site(home, programme, board_member, editor):
    group = make_working_group(programme, title="Le comité éthique", slug="ethique")
    # The tests hash passwords with MD5 for speed, which production settings do not accept.
    hasher = PBKDF2PasswordHasher()
    for user in get_user_model().objects.all():
        user.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
        user.save(update_fields=["password"])
    return group


def body(response):
    return response[2].decode()


def test_a_login_on_one_server_is_valid_on_the_other(site, servers):
    port_a, port_b = servers
    person = site.people[0]
    a = RawClient(port_a)
    assert a.log_in(person.username, PASSWORD) == 302
    b = RawClient(port_b, a.cookies)
    status, _headers, content = b.get(site.url)
    assert status == 200 and "Le comité éthique" in content.decode()
    # Logging out on B ends the session on A too.
    assert b.post("/logout/", {})[0] == 302
    assert RawClient(port_a, {"sessionid": a.cookies["sessionid"]}).get(site.url)[0] == 302


def test_what_the_board_publishes_on_one_server_the_other_shows_at_once(site, board_member, editor, servers):
    port_a, port_b = servers
    report = report_awaiting_the_board(site, editor)

    reader = RawClient(port_b)
    reader.log_in(site.people[0].username, PASSWORD)
    assert reader.get(site.url)[0] == 200
    # B serves the group page (and caches whatever it caches) before the report is published.
    assert reader.get(f"{site.url}decembre/")[0] == 404
    assert "Compte rendu de décembre" not in body(reader.get(site.url))

    board = RawClient(port_a)
    board.log_in(board_member.username, PASSWORD)
    task_state = report.current_workflow_task_state
    status, _headers, _content = board.post(
        f"/admin/pages/workflow/action/{report.pk}/approve/{task_state.pk}/", {"comment": ""}
    )
    assert status in (200, 302)
    report.refresh_from_db()
    assert report.live

    page = reader.get(f"{site.url}decembre/")
    assert page[0] == 200 and "Compte rendu de décembre" in body(page)
    assert "Compte rendu de décembre" in body(reader.get(site.url))


def test_a_board_decision_recorded_on_one_server_shows_on_the_other(site, board_member, servers):
    port_a, port_b = servers
    recommendation = RecommendationPageFactory(
        parent=site, title="Une charte", slug="charte", number=1, live=False
    )
    recommendation.save_revision().publish()  # published: handed to the board
    reader = RawClient(port_b)
    reader.log_in(site.people[0].username, PASSWORD)
    assert "Adoptée avec amendement" not in body(reader.get(recommendation.url))

    decision = BoardDecision.objects.get(recommendation=recommendation)
    board = RawClient(port_a)
    board.log_in(board_member.username, PASSWORD)
    edit_url = f"/admin/workinggroups/boarddecision/edit/{decision.pk}/"
    form = body(board.get(edit_url))
    assert "csrfmiddlewaretoken" in form
    for position, fields in [
        (BoardPosition.UNDER_ANALYSIS, {}),
        (BoardPosition.AMENDED, {"amended_text": "Charte amendée par le Conseil.", "reasoning": "Clair."}),
    ]:
        data = {"position": position, "amended_text": "", "reasoning": "", "merged_into": ""}
        data.update({"assembly_outcome": "pending", "assembly_date": "", "assembly_note": ""})
        data.update({"follow_up": "not_started", "progress": "0"})
        answer = board.post(edit_url, {**data, **fields})
        assert answer[0] == 302, body(answer)[:2000]
    page = body(reader.get(recommendation.url))
    assert "Charte amendée par le Conseil." in page


def test_a_lockout_recorded_by_one_server_holds_on_the_other(site, servers):
    port_a, port_b = servers
    person = site.people[1]
    answers = [RawClient(port_a).log_in(person.username, "wrong-" + secrets.token_hex(4)) for _ in range(5)]
    assert answers == [200, 200, 200, 200, 429]  # the fifth failure locks the account, on server A
    locked = RawClient(port_b)
    assert locked.log_in(person.username, PASSWORD) == 429
    assert "sessionid" not in locked.cookies
