"""Two board members approving the same review at the same moment, on PostgreSQL where rows
really lock: the page is published exactly once. (On SQLite, tests/test_access_slips.py checks
that a second decision on a finished step is refused.)"""

import threading
import time

import pytest
from django.db import connection
from django.test import Client
from wagtail.models import PageLogEntry, TaskState

from home.models import HomePage
from workinggroups.workflow import BOARD_TASK_NAME

from .factories import PASSWORD, BoardMemberFactory, ProgrammePageFactory, UserFactory, make_working_group
from .workflow_helpers import act, current_task_state, draft_report_in_admin

pytestmark = [
    # Skipped before the database is emptied and reloaded (a transactional test) when not on PostgreSQL.
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's row locks; CI runs it there"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_two_board_members_approving_at_once_publish_exactly_once(monkeypatch):
    home = HomePage.objects.get()
    programme = ProgrammePageFactory(parent=home)
    group = make_working_group(programme, slug="ethique-concurrence")
    editor = UserFactory(username="redacteur")
    editor.groups.add(group.django_group)
    approvers = [BoardMemberFactory(username=f"conseil-{n}") for n in range(2)]

    def client_for(user):
        client = Client()
        assert client.login(username=user.username, password=PASSWORD)
        return client

    page = draft_report_in_admin(client_for(editor), group, title="Rapport disputé")
    act(client_for(group.facilitator), page, "approve")
    state = current_task_state(page)
    assert state.task.name == BOARD_TASK_NAME

    # Widen the window between reading the task state and writing it, as a slow server would.
    original_approve = TaskState.approve

    def slow_approve(self, *args, **kwargs):
        time.sleep(0.3)
        return original_approve(self, *args, **kwargs)

    monkeypatch.setattr(TaskState, "approve", slow_approve)
    clients = [client_for(user) for user in approvers]
    barrier = threading.Barrier(len(clients))
    responses, errors = [], []

    def approve(client):
        try:
            barrier.wait()
            responses.append(act(client, page, "approve", task_state=state).status_code)
        except Exception as error:  # a server error must fail the test, not vanish in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(responses) == [302, 302]  # one approved, one told it was already done
    assert PageLogEntry.objects.filter(page=page, action="wagtail.publish").count() == 1
    assert (
        PageLogEntry.objects.filter(page=page, action="wagtail.workflow.approve").count() == 2
    )  # facilitator + board
    page.refresh_from_db()
    assert page.live
