"""Demo moderation: reports waiting at each step, one sent back, and the board's decisions.

Drafts go through the real workflow API (start, approve, reject), exactly as the admin
does it; emails are not sent while the demo is built.
"""

import datetime

from django.test.utils import override_settings
from django.utils import timezone
from django.utils.text import slugify

from workinggroups.models import (
    BoardDecision,
    DecisionStatus,
    MeetingReportPage,
    RecommendationPage,
    WorkingGroupPage,
)

from .groups import GROUPS

S = DecisionStatus

#: (group slug, title, what happens to it after submission, reviewer's comment)
PENDING_REPORTS = [
    ("ethique", "Réunion de suivi – avril 2018", "facilitator", ""),
    ("finances", "Réunion de suivi – avril 2018", "facilitator", ""),
    ("representation", "Réunion de suivi – avril 2018", "board", ""),
    ("informatique", "Réunion de suivi – avril 2018", "board", ""),
    (
        "ethique",
        "Rencontre avec le Conseil – mai 2018",
        "changes",
        "Merci d'ajouter la liste des personnes présentes et les décisions prises avant de resoumettre.",
    ),
]

#: The final status of each of the 34 recommendations, by number, and the path that led there.
FINAL_STATUS = {
    **dict.fromkeys([1, 4, 10, 18, 27, 29], S.IMPLEMENTED),
    **dict.fromkeys([2, 3, 5, 6, 11, 12, 13, 19, 20, 21, 23, 28, 31, 34], S.PRESENTED),
    **dict.fromkeys([7, 22, 30], S.ADOPTED),
    **dict.fromkeys([14, 24, 32], S.AMENDED),
    **dict.fromkeys([8, 25, 33], S.DEFERRED),
    **dict.fromkeys([15], S.REJECTED),
    **dict.fromkeys([9, 26], S.UNDER_ANALYSIS),
    **dict.fromkeys([16, 17], S.RECEIVED),
}
#: Which position the board took before presenting, for the presented and implemented ones.
AMENDED_BEFORE = {4, 12, 20, 29, 31}
REJECTED_BEFORE = {6}

HANDOVER = datetime.datetime(2018, 3, 22, 18, 0)
DATES = {
    S.UNDER_ANALYSIS: datetime.datetime(2018, 4, 10, 19, 0),
    "position": datetime.datetime(2018, 5, 15, 19, 0),
    S.PRESENTED: datetime.datetime(2018, 6, 19, 17, 0),
    S.IMPLEMENTED: datetime.datetime(2019, 3, 12, 19, 0),
}
NOTES = {
    S.UNDER_ANALYSIS: "Inscrite à l'ordre du jour du Conseil du 10 avril 2018.",
    S.ADOPTED: "Adoptée par le Conseil en séance du 15 mai 2018.",
    S.AMENDED: "Adoptée avec amendement en séance du 15 mai 2018.",
    S.DEFERRED: "Reportée : le Conseil demande une étude de faisabilité.",
    S.REJECTED: "Rejetée en séance du 15 mai 2018.",
    S.PRESENTED: "Présentée à l'assemblée générale du 19 juin 2018.",
    S.IMPLEMENTED: "Mise en œuvre annoncée dans le rapport d'activité 2018.",
}


def aware(moment):
    return timezone.make_aware(moment)


def path_to(number, final):
    if final == S.RECEIVED:
        return []
    if final in {S.UNDER_ANALYSIS}:
        return [S.UNDER_ANALYSIS]
    if final in {S.ADOPTED, S.AMENDED, S.DEFERRED, S.REJECTED}:
        return [S.UNDER_ANALYSIS, final]
    position = (
        S.AMENDED if number in AMENDED_BEFORE else S.REJECTED if number in REJECTED_BEFORE else S.ADOPTED
    )
    path = [S.UNDER_ANALYSIS, position, S.PRESENTED]
    if final == S.IMPLEMENTED:
        path.append(S.IMPLEMENTED)
    return path


def load_decisions(board_user):
    """Walk every decision still at "received" along its demo path. Idempotent."""
    for recommendation in RecommendationPage.objects.live().order_by("number"):
        decision = BoardDecision.for_recommendation(recommendation)
        if decision.status != S.RECEIVED or decision.history.exists():
            continue
        decision.created_at = aware(HANDOVER)  # handed over on 22 March 2018
        decision.save(update_fields=["created_at"])
        for status in path_to(recommendation.number, FINAL_STATUS[recommendation.number]):
            if status == S.AMENDED:
                decision.amended_text = (
                    f"{strip_tags(recommendation.text)} Le Conseil précise : la mise en œuvre se fera en deux "
                    "étapes, avec un bilan présenté à l'assemblée générale suivante."
                )
            if status in {S.AMENDED, S.DEFERRED, S.REJECTED}:
                decision.reasoning = {
                    S.AMENDED: "Le Conseil partage l'objectif mais souhaite un calendrier réaliste.",
                    S.DEFERRED: "Le coût et les moyens nécessaires doivent d'abord être évalués.",
                    S.REJECTED: "Cette mission relève des fédérations dont la coopérative est membre.",
                }[status]
            if status == S.PRESENTED:
                decision.assembly_date = DATES[S.PRESENTED].date()
                decision.assembly_outcome = (
                    "L'assemblée générale a pris acte de la position du Conseil."
                    if decision.position == S.REJECTED
                    else "Approuvée par l'assemblée générale."
                )
            when = DATES.get(status, DATES["position"])
            decision.change_status(status, board_user, note=NOTES[status], at=aware(when))


def strip_tags(html):
    from django.utils.html import strip_tags as django_strip_tags

    return django_strip_tags(html).strip()


def load_pending_reports(accounts):
    """Reports waiting for the facilitators, for the board, and one sent back to its author."""
    editor = accounts["editeur"]
    board_user = accounts["conseil"]
    created = 0
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        for slug, title, outcome, comment in PENDING_REPORTS:
            group = WorkingGroupPage.objects.get(slug=slug)
            page_slug = slugify(title)
            if MeetingReportPage.objects.child_of(group).filter(slug=page_slug).exists():
                continue
            focus = next(g["focus"] for g in GROUPS if g["slug"] == slug)
            report = MeetingReportPage(
                title=title,
                slug=page_slug,
                date=datetime.date(2018, 4 if "avril" in title else 5, 17),
                kind="monthly",
                summary=f"<p>Le groupe fait le point sur les suites données à ses recommandations sur {focus}.</p>",
                decisions="<p>Préparer une synthèse pour l'assemblée générale du 19 juin 2018.</p>",
                live=False,
                owner=editor,
            )
            report.tags.add("suivi")
            group.add_child(instance=report)
            report.save_revision(user=editor, log_action=True)
            workflow_state = report.get_workflow().start(report, editor)
            facilitator = accounts[f"animateur-{slug}"]
            task_state = workflow_state.current_task_state
            if outcome == "board":
                task_state.task.specific.on_action(task_state, facilitator, "approve")
            elif outcome == "changes":
                task_state.task.specific.on_action(task_state, facilitator, "reject", comment=comment)
            created += 1
    load_decisions(board_user)
    return created
