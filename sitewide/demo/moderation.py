"""Demo moderation: reports waiting at each step, one sent back, and the board's decisions.

What happens to which report and recommendation is in ``data/moderation.yaml``. Drafts go
through the real workflow API (start, approve, reject), exactly as the admin does it; emails
are not sent while the demo is built.
"""

from django.test.utils import override_settings
from django.utils import timezone
from django.utils.text import slugify

from workinggroups.models import (
    AssemblyOutcome,
    BoardDecision,
    BoardPosition,
    Fact,
    MeetingReportPage,
    RecommendationPage,
    WorkingGroupPage,
)


def aware(moment):
    return timezone.make_aware(moment)


def load_decisions(accounts, data):
    """Each recommendation's three facts, along the story of moderation.yaml: the board analyses and
    takes its position, the assembly decides, the group's facilitator notes the follow-up. Each step
    goes through ``BoardDecision.record``, as in the admin. Idempotent: a decision with a history is
    left as it is."""
    decisions = data.decisions
    board_user = accounts[data.board_member]
    facilitators = {group.slug: accounts[group.facilitator] for group in data.groups}
    story = {item.number: item for item in decisions.recommendations}
    live = RecommendationPage.objects.live().order_by("number")
    pages = {page.number: page for page in live}
    for recommendation in live:
        decision = BoardDecision.for_recommendation(recommendation)
        if decision.position != BoardPosition.RECEIVED or decision.history.exists():
            continue
        item = story[recommendation.number]
        decision.created_at = aware(decisions.handed_over_at)
        decision.save(update_fields=["created_at"])
        notes = decisions.notes
        analysed, decided = aware(decisions.analysed_at), aware(decisions.decided_at)
        decision.record(
            Fact.POSITION, BoardPosition.UNDER_ANALYSIS, board_user, notes.under_analysis, analysed
        )
        if item.position == BoardPosition.MERGED:
            # The target's own position is taken at the same meeting: take it first.
            BoardDecision.for_recommendation(pages[item.merged_into])
        decision.record(
            Fact.POSITION,
            item.position,
            board_user,
            getattr(notes, item.position),
            decided,
            amended_text=item.amended_text,
            reasoning=item.reasoning,
            merged_into=pages.get(item.merged_into),
        )
        if item.assembly != AssemblyOutcome.PENDING:
            votes = dict(zip(("votes_for", "votes_against", "votes_abstaining"), item.votes, strict=False))
            at = aware(decisions.assembly_at)
            decision.record(
                Fact.ASSEMBLY,
                item.assembly,
                board_user,
                notes.assembly,
                at,
                assembly_date=at.date(),
                assembly_note=item.assembly_note,
                **votes,
            )
        facilitator = facilitators[recommendation.get_parent().slug]
        for step in item.follow_up:
            progress = decision.progress if step.progress is None else step.progress
            decision.record(
                Fact.FOLLOW_UP, step.status, facilitator, step.note, aware(step.at), progress=progress
            )


def load_pending_reports(accounts, data):
    """Reports waiting for the facilitators, for the board, and one sent back to its author."""
    editor = accounts[data.author]
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
    load_decisions(accounts, data)
    return created
