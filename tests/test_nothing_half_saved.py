"""A database that fails in the middle of a save leaves it whole or not at all, and says "try again".

Each action is first run once to count its SQL statements; then it is run again from the same
state once per statement, from its first write to its last, with the connection failing at that
statement (``OperationalError``, as when PostgreSQL restarts). After every run, what the action
saves is exactly as before or exactly as after a successful run, never in between, and the person
got the intranet's 503 page or the action's own answer. Emails count as what the action saves: a
decision that was not saved announces nothing.
"""

from unittest import mock

import pytest
from django.core import mail
from django.db import OperationalError, connection, transaction
from django.utils import timezone
from wagtail.models import Page, PageLogEntry, Revision

from documents.models import AccessRequest
from workinggroups.models import BoardDecision, BoardPosition, Fact

from .admin_forms import edit_form_data, post_edit
from .factories import MeetingReportPageFactory, RecommendationPageFactory, make_minutes
from .workflow_helpers import act, report_awaiting_the_board

pytestmark = pytest.mark.usefixtures("shared_world")

WRITES = ("INSERT", "UPDATE", "DELETE")


class Statements:
    """Counts the statements of a request; with ``fail_at``, the connection fails at that one."""

    def __init__(self, fail_at=None):
        self.fail_at = fail_at
        self.kinds = []

    def __call__(self, execute, sql, params, many, context):
        self.kinds.append(sql.lstrip().split(" ", 1)[0].upper())
        if len(self.kinds) == self.fail_at:
            raise OperationalError("server closed the connection unexpectedly (injected by the test)")
        return execute(sql, params, many, context)

    def write_range(self):
        writes = [index for index, kind in enumerate(self.kinds, start=1) if kind in WRITES]
        return range(writes[0], writes[-1] + 1)


ORIGINAL_ATOMIC_INIT = transaction.Atomic.__init__


def outcome(action, observe, fail_at=None):
    """Run ``action`` in a savepoint rolled back afterwards; return (response, statements, state)."""
    statements = Statements(fail_at)
    mail.outbox.clear()
    with transaction.atomic():
        with (
            connection.execute_wrapper(statements),
            mock.patch.object(transaction.Atomic, "__init__", _always_a_savepoint),
        ):
            response = action()
        # A statement that failed outside the action's own transactions failed alone, as it does in
        # autocommit: what was written before it stays written, and the connection goes on.
        transaction.set_rollback(False)
        state = (observe(), len(mail.outbox))
        transaction.set_rollback(True)
    return response, statements, state


def _always_a_savepoint(self, using, savepoint, durable):
    """Inside the test's transaction, Django nests ``atomic(savepoint=False)`` without a savepoint;
    in production (autocommit) such a block is a whole transaction, rolled back on error. With a
    savepoint it is rolled back alone here too."""
    ORIGINAL_ATOMIC_INIT(self, using, True, durable)


def assert_whole_or_nothing(client, action, observe, expected_status):
    client.raise_request_exception = False  # the person sees what a browser would
    before = (observe(), 0)
    response, statements, after = outcome(action, observe)
    assert response.status_code == expected_status
    assert after != before, "the action changed nothing: the test would prove nothing"
    runs = statements.write_range()
    assert len(runs) >= 2
    for fail_at in runs:
        response, _statements, state = outcome(action, observe, fail_at)
        assert state in (before, after), (
            f"failing at statement {fail_at} of {len(statements.kinds)} "
            f"({statements.kinds[fail_at - 1]}) left {state}; before {before}, after {after}"
        )
        if state == before:  # never a success announced for what was not saved
            assert response.status_code >= 500, f"failing at statement {fail_at}: {response.status_code}"
            if response.status_code == 503:
                assert "Service momentanément indisponible" in response.content.decode()
    return len(runs)


def test_a_board_decision_is_saved_whole_or_not_at_all(group_a, board_member, as_user):
    recommendation = RecommendationPageFactory(parent=group_a, number=3, title="Une charte", live=False)
    recommendation.save_revision().publish()
    decision = BoardDecision.objects.get(recommendation=recommendation)
    decision.record(Fact.POSITION, BoardPosition.UNDER_ANALYSIS, board_member)
    client = as_user(board_member)
    data = {
        "position": BoardPosition.AMENDED,
        "amended_text": "La charte, amendée par le Conseil.",
        "reasoning": "Plus claire.",
        "merged_into": "",
        "position_note": "Relu en séance.",
        "assembly_outcome": "pending",
        "assembly_date": "",
        "assembly_note": "",
        "follow_up": "not_started",
        "progress": "0",
    }

    def observe():
        stored = BoardDecision.objects.get(pk=decision.pk)
        history = list(stored.history.order_by("pk").values_list("to_status", "note"))
        return stored.position, stored.amended_text, stored.reasoning, history

    def action():
        return client.post(f"/admin/workinggroups/boarddecision/edit/{decision.pk}/", data)

    assert assert_whole_or_nothing(client, action, observe, 302)


def test_an_access_grant_is_saved_whole_or_not_at_all(group_a, member, as_user):
    minutes = make_minutes(group_a, title="PV d'octobre")
    access_request = AccessRequest.objects.create(
        requester=member, working_group=group_a, document=minutes, reason="Pour préparer l'assemblée."
    )
    client = as_user(group_a.facilitator)

    def observe():
        stored = AccessRequest.objects.get(pk=access_request.pk)
        expires = stored.expires_at is not None and stored.expires_at > timezone.now()
        return stored.status, stored.decided_by_id, expires, stored.decision_note

    def action():
        return client.post(
            f"/admin/documents/accessrequest/grant/{access_request.pk}/",
            {"days": 30, "note": "Bonne lecture."},
        )

    assert assert_whole_or_nothing(client, action, observe, 302)


def test_a_page_revision_is_saved_whole_or_not_at_all(group_a, editor, as_user):
    report = MeetingReportPageFactory(parent=group_a, title="Réunion de novembre", slug="novembre")
    report.save_revision().publish()
    client = as_user(editor)
    data = edit_form_data(client, report)
    data["title"] = "Réunion de novembre, corrigée"

    def observe():
        page = Page.objects.get(pk=report.pk)
        revisions = Revision.page_revisions.filter(object_id=str(report.pk))
        newest = revisions.order_by("-pk").first()
        return (
            revisions.count(),
            page.draft_title,
            page.latest_revision_id == newest.pk,
            newest.content["title"],
            PageLogEntry.objects.filter(page=report).count(),
        )

    def action():
        return post_edit(client, report, data.copy(), None)

    assert assert_whole_or_nothing(client, action, observe, 302)


def test_the_boards_approval_publishes_whole_or_not_at_all(group_a, editor, board_member, as_user):
    report = report_awaiting_the_board(group_a, editor, title="Réunion de décembre")
    client = as_user(board_member)
    task_state = Page.objects.get(pk=report.pk).current_workflow_task_state

    def observe():
        page = Page.objects.get(pk=report.pk)
        workflow_state = page.workflow_states.order_by("-pk").first()
        return (
            page.live,
            page.live_revision_id,
            workflow_state.status,
            workflow_state.current_task_state.status if workflow_state.current_task_state else None,
            PageLogEntry.objects.filter(page=report).count(),
        )

    def action():
        return act(client, report, "approve", comment="Publié.", task_state=task_state)

    assert assert_whole_or_nothing(client, action, observe, 302)
