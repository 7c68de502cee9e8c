"""Demo moderation: reports waiting at each step, one sent back, and the board's decisions.

What happens to which report and recommendation is in ``data/moderation.yaml``. Drafts go
through the real workflow API (start, approve, reject), exactly as the admin does it; emails
are not sent while the demo is built.
"""

from django.test.utils import override_settings
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify

from workinggroups.models import (
    BoardDecision,
    DecisionStatus,
    MeetingReportPage,
    RecommendationPage,
    WorkingGroupPage,
)

S = DecisionStatus
POSITIONS = {S.ADOPTED, S.AMENDED, S.DEFERRED, S.REJECTED}


def aware(moment):
    return timezone.make_aware(moment)


def path_to(number, final, decisions):
    """The statuses a recommendation goes through, after "received", to reach ``final``."""
    if final == S.RECEIVED:
        return []
    if final == S.UNDER_ANALYSIS:
        return [S.UNDER_ANALYSIS]
    if final in POSITIONS:
        return [S.UNDER_ANALYSIS, final]
    position = decisions.position_before_presenting.get(number, S.ADOPTED)
    path = [S.UNDER_ANALYSIS, position, S.PRESENTED]
    if final == S.IMPLEMENTED:
        path.append(S.IMPLEMENTED)
    return path


def load_decisions(board_user, decisions):
    """Walk every decision still at "received" along its demo path. Idempotent."""
    for recommendation in RecommendationPage.objects.live().order_by("number"):
        decision = BoardDecision.for_recommendation(recommendation)
        if decision.status != S.RECEIVED or decision.history.exists():
            continue
        decision.created_at = aware(decisions.handed_over_at)
        decision.save(update_fields=["created_at"])
        final = decisions.final_status[recommendation.number]
        for status in path_to(recommendation.number, final, decisions):
            step = decisions.steps[status]
            if status == S.AMENDED:
                decision.amended_text = f"{strip_tags(recommendation.text).strip()} {step.amendment}"
            if status in {S.AMENDED, S.DEFERRED, S.REJECTED}:
                decision.reasoning = step.reasoning
            if status == S.PRESENTED:
                decision.assembly_date = step.at.date()
                decision.assembly_outcome = (
                    step.outcome_after_rejection if decision.position == S.REJECTED else step.outcome
                )
            decision.change_status(status, board_user, note=step.note, at=aware(step.at))


def load_pending_reports(accounts, data):
    """Reports waiting for the facilitators, for the board, and one sent back to its author."""
    editor = accounts[data.author]
    board_user = accounts[data.board_member]
    follow_up = data.follow_up_report
    created = 0
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        for pending in data.pending_reports:
            group_data = next(g for g in data.groups if g.slug == pending.group)
            group = WorkingGroupPage.objects.get(slug=pending.group)
            page_slug = slugify(pending.title)
            if MeetingReportPage.objects.child_of(group).filter(slug=page_slug).exists():
                continue
            report = MeetingReportPage(
                title=pending.title,
                slug=page_slug,
                date=pending.date,
                kind=follow_up.kind,
                summary=f"<p>{follow_up.summary.format(focus=group_data.focus)}</p>",
                decisions=f"<p>{follow_up.decisions}</p>",
                live=False,
                owner=editor,
            )
            report.tags.add(*follow_up.tags)
            group.add_child(instance=report)
            report.save_revision(user=editor, log_action=True)
            workflow_state = report.get_workflow().start(report, editor)
            facilitator = accounts[group_data.facilitator]
            task_state = workflow_state.current_task_state
            if pending.outcome == "board":
                task_state.task.specific.on_action(task_state, facilitator, "approve")
            elif pending.outcome == "changes":
                task_state.task.specific.on_action(task_state, facilitator, "reject", comment=pending.comment)
            created += 1
    load_decisions(board_user, data.decisions)
    return created
