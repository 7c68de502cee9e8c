"""The board's decision on each recommendation: who records it, which changes are allowed, what
members see."""

import csv
import datetime
import html
import io
import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.utils import timezone

from workinggroups.models import BoardDecision, BoardDecisionHistory, DecisionStatus

from .factories import RecommendationPageFactory

pytestmark = pytest.mark.usefixtures("shared_world")

S = DecisionStatus


@pytest.fixture
def recommendation(group_a):
    page = RecommendationPageFactory(
        parent=group_a, number=12, title="Créer un comité éthique permanent", live=False
    )
    page.save_revision().publish()
    return page


@pytest.fixture
def decision(recommendation):
    return BoardDecision.objects.get(recommendation=recommendation)


def edit_url(decision):
    return f"/admin/workinggroups/boarddecision/edit/{decision.pk}/"


def post_decision(client, decision, **fields):
    data = {
        "status": decision.status,
        "amended_text": decision.amended_text,
        "reasoning": decision.reasoning,
        "assembly_date": decision.assembly_date or "",
        "assembly_outcome": decision.assembly_outcome,
        "note": "",
    }
    data.update(fields)
    return client.post(edit_url(decision), data)


def test_publishing_a_recommendation_hands_it_to_the_board(decision, group_a, programme):
    assert decision.status == S.RECEIVED
    assert decision.working_group.pk == group_a.pk and decision.programme.pk == programme.pk
    assert decision.history.count() == 0


def test_the_board_records_an_amended_adoption_then_the_assembly(decision, board_member, as_user, member):
    client = as_user(board_member)
    assert client.get(edit_url(decision)).status_code == 200
    assert post_decision(client, decision, status=S.UNDER_ANALYSIS, note="Mise à l'étude.").status_code == 302
    response = post_decision(
        client,
        decision,
        status=S.AMENDED,
        amended_text="Créer un comité éthique de sept membres.",
        reasoning="Neuf membres, c'est trop pour une coopérative de notre taille.",
        note="Adoptée en séance du 17 avril 2018.",
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == S.AMENDED and decision.updated_by == board_member

    response = post_decision(
        client,
        decision,
        status=S.PRESENTED,
        assembly_date="2018-06-19",
        assembly_outcome="Approuvée par l'assemblée générale à une large majorité.",
    )
    assert response.status_code == 302
    history = list(decision.history.values_list("from_status", "to_status", "changed_by__username", "note"))
    assert history == [
        (S.RECEIVED, S.UNDER_ANALYSIS, "conseil", "Mise à l'étude."),
        (S.UNDER_ANALYSIS, S.AMENDED, "conseil", "Adoptée en séance du 17 avril 2018."),
        (S.AMENDED, S.PRESENTED, "conseil", ""),
    ]

    page = as_user(member).get(decision.recommendation.url).content.decode()
    for text in (
        "Adoptée avec amendement",  # the board's position, still there once presented
        "présentée à l'assemblée générale du 19 juin 2018",
        "Créer un comité éthique de sept membres.",
        "Neuf membres, c&#x27;est trop",
        "Approuvée par l&#x27;assemblée générale",
        "Adoptée en séance du 17 avril 2018.",
        "de « adoptée avec amendement » à « présentée à l&#x27;assemblée générale »",
    ):
        assert text in page, text


@pytest.mark.parametrize(
    ("path", "to_status", "message"),
    [
        ([], S.IMPLEMENTED, "ne peut pas passer à « mise en œuvre »"),
        ([], S.ADOPTED, "ne peut pas passer à « adoptée »"),
        ([S.UNDER_ANALYSIS, S.REJECTED, S.PRESENTED], S.IMPLEMENTED, "Seule une recommandation adoptée"),
        ([S.UNDER_ANALYSIS, S.ADOPTED, S.PRESENTED], S.UNDER_ANALYSIS, "ne peut pas passer"),
    ],
    ids=[
        "received-to-implemented",
        "received-to-adopted",
        "rejected-to-implemented",
        "presented-back-to-analysis",
    ],
)
def test_invalid_transitions_are_refused_with_a_clear_message(
    decision, board_member, as_user, path, to_status, message
):
    for step in path:
        _move(decision, step, board_member)
    before = decision.history.count()
    response = post_decision(as_user(board_member), decision, status=to_status)
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    decision.refresh_from_db()
    assert decision.history.count() == before


def _move(decision, status, user):
    """Move a decision along, filling in whatever the status requires."""
    decision.reasoning = decision.reasoning or "Motivation."
    decision.assembly_date = decision.assembly_date or "2018-06-19"
    decision.assembly_outcome = decision.assembly_outcome or "Présentée."
    decision.change_status(status, user)


@pytest.mark.parametrize(
    ("status", "field", "message"),
    [
        (S.AMENDED, "amended_text", "Indiquez le texte amendé"),
        (S.REJECTED, "reasoning", "Indiquez la motivation du Conseil"),
        (S.DEFERRED, "reasoning", "Indiquez la motivation du Conseil"),
    ],
    ids=["amended", "rejected", "deferred"],
)
def test_a_decision_needs_its_text_and_reasoning(decision, board_member, as_user, status, field, message):
    decision.change_status(S.UNDER_ANALYSIS, board_member)
    response = post_decision(as_user(board_member), decision, status=status, amended_text="", reasoning="")
    assert response.status_code == 200
    assert message in response.content.decode()
    decision.refresh_from_db()
    assert decision.status == S.UNDER_ANALYSIS


def test_history_rows_cannot_be_edited_or_deleted(decision, board_member):
    decision.change_status(S.UNDER_ANALYSIS, board_member, note="Première lecture")
    row = BoardDecisionHistory.objects.get()
    row.note = "Réécrite"
    with pytest.raises(ValidationError):
        row.save()
    with pytest.raises(ValidationError):
        row.delete()
    assert BoardDecisionHistory.objects.get().note == "Première lecture"


def test_only_the_board_may_edit_decisions(decision, group_a, editor, member, superuser, as_user):
    for user in (group_a.facilitator, group_a.people[0], editor):
        client = as_user(user)
        assert client.get(edit_url(decision)).status_code in (302, 403), user.username
        client.post(edit_url(decision), {"status": S.UNDER_ANALYSIS})
        decision.refresh_from_db()
        assert decision.status == S.RECEIVED
    assert as_user(member).get(edit_url(decision)).status_code == 302
    assert as_user(superuser).get(edit_url(decision)).status_code == 200


def test_the_board_liaison_of_a_group_edits_as_a_board_member(decision, group_a, as_user):
    """The liaison sits on the board: the right comes from the board group, not from the group."""
    assert as_user(group_a.liaison).get(edit_url(decision)).status_code == 200


def test_decisions_cannot_be_created_or_deleted_in_the_admin(decision, board_member, as_user):
    client = as_user(board_member)
    assert client.get("/admin/workinggroups/boarddecision/create/").status_code in (302, 403)
    assert client.get(f"/admin/workinggroups/boarddecision/delete/{decision.pk}/").status_code in (302, 403)
    assert BoardDecision.objects.filter(pk=decision.pk).exists()


def test_the_board_lists_filters_searches_and_exports(decision, group_b, board_member, as_user):
    other = RecommendationPageFactory(parent=group_b, number=30, title="Publier les comptes", live=False)
    other.save_revision().publish()
    client = as_user(board_member)
    listing = client.get("/admin/workinggroups/boarddecision/", {"working_group__id__exact": group_b.pk})
    html = listing.content.decode()
    assert "Publier les comptes" in html and "Créer un comité éthique permanent" not in html
    searched = client.get("/admin/workinggroups/boarddecision/", {"q": "comité"}).content.decode()
    assert "Créer un comité éthique permanent" in searched and "Publier les comptes" not in searched
    by_status = client.get(
        "/admin/workinggroups/boarddecision/", {"status__exact": "received"}
    ).content.decode()
    assert "Publier les comptes" in by_status
    export = client.get("/admin/workinggroups/boarddecision/", {"export": "csv"})
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert len(rows) == 3
    assert any("Publier les comptes" in cell for cell in rows[2] + rows[1])


def test_tracker_filters_by_board_position_and_the_home_counts_link_to_it(
    decision, board_member, member, as_user, programme, home
):
    decision.change_status(S.UNDER_ANALYSIS, board_member)
    client = as_user(member)
    tracker = programme.url + programme.reverse_subpage("tracker")
    title = "Créer un comité éthique permanent"
    assert title in client.get(tracker, {"position": "under_analysis"}).content.decode()
    assert title not in client.get(tracker, {"position": "adopted"}).content.decode()
    assert title in client.get(tracker, {"statut": "under_analysis"}).content.decode()  # older links
    unknown = client.get(tracker, {"position": "n'importe quoi"}).content.decode()
    assert "Cette position du Conseil n&#x27;existe pas" in unknown and title in unknown
    home_html = client.get("/").content.decode()
    assert f'href="{tracker}?position=under_analysis"' in home_html
    assert "En cours d&#x27;analyse" in home_html


def test_the_board_position_and_the_assemblys_outcome_are_two_facts_everywhere(
    decision, board_member, member, as_user, programme, group_a
):
    """Presented to the assembly, a recommendation still says what the board decided: in the tracker,
    the home page's counts, the group page and its own page."""
    _move(decision, S.UNDER_ANALYSIS, board_member)
    decision.amended_text = "Un comité de sept membres."
    _move(decision, S.AMENDED, board_member)
    _move(decision, S.PRESENTED, board_member)
    other = RecommendationPageFactory(parent=group_a, number=13, title="Former les animateurs", live=False)
    other.save_revision().publish()
    client = as_user(member)
    tracker = programme.url + programme.reverse_subpage("tracker")
    page = client.get(tracker).content.decode()
    row = re.search(r"<tr>\s*<td[^>]*>12</td>.*?</tr>", page, re.S).group()
    assert "Adoptée avec amendement" in row and "présentée à l'assemblée générale du 19 juin 2018" in row
    other_row = re.search(r"<tr>\s*<td[^>]*>13</td>.*?</tr>", page, re.S).group()
    assert "Reçue par le Conseil" in other_row and "pas encore présentée" in other_row
    amended = client.get(tracker, {"position": "amended"}).content.decode()
    assert "Créer un comité éthique permanent" in amended and "Former les animateurs" not in amended
    presented = client.get(tracker, {"assemblee": "presentee"}).content.decode()
    assert "Créer un comité éthique permanent" in presented and "Former les animateurs" not in presented
    waiting = client.get(tracker, {"assemblee": "non-presentee"}).content.decode()
    assert "Créer un comité éthique permanent" not in waiting and "Former les animateurs" in waiting
    home_html = client.get("/").content.decode()
    assert f'href="{tracker}?position=amended"' in home_html
    assert f'href="{tracker}?assemblee=presentee"' in home_html
    group_html = client.get(group_a.url).content.decode()
    assert "Adoptée avec amendement" in group_html and "Reçue par le Conseil" in group_html


def test_a_recommendation_with_a_decision_is_not_deleted(decision, superuser, as_user):
    page = decision.recommendation
    client = as_user(superuser)
    response = client.post(f"/admin/pages/{page.pk}/delete/")
    assert response.status_code == 302
    assert type(page).objects.filter(pk=page.pk).exists()
    assert BoardDecision.objects.filter(pk=decision.pk).exists()


def test_the_decision_form_shows_the_recommendation_and_offers_only_allowed_statuses(
    decision, board_member, as_user
):
    recommendation = decision.recommendation
    recommendation.text = "<p>Un comité éthique permanent de neuf membres.</p>"
    recommendation.save_revision().publish()
    form = as_user(board_member).get(edit_url(decision)).content.decode()
    assert "Recommandation 12 : Créer un comité éthique permanent" in form
    assert "Un comité éthique permanent de neuf membres." in form
    select = re.search(r'<select name="status".*?</select>', form, re.S).group()
    offered = re.findall(r'<option value="([a-z_]+)"', select)
    assert offered == [S.RECEIVED, S.UNDER_ANALYSIS, S.DEFERRED]  # from "received": itself and its next
    assert 'name="decided_on"' in form


def test_the_decision_is_dated_by_the_board_meeting_and_the_board_is_told_what_it_recorded(
    decision, board_member, as_user, member
):
    client = as_user(board_member)
    response = post_decision(client, decision, status=S.UNDER_ANALYSIS, decided_on="2018-04-17")
    assert response.status_code == 302
    change = decision.history.get()
    assert timezone.localtime(change.changed_at).date() == datetime.date(2018, 4, 17)
    shown = [str(m.message) for m in get_messages(client.get(response["Location"]).wsgi_request)]
    assert len(shown) == 1 and html.unescape(shown[0]).startswith(
        "Décision enregistrée : la recommandation 12 « Créer un comité éthique permanent » "
        "est « en cours d'analyse »."
    )
    page = as_user(member).get(decision.recommendation.url).content.decode()
    assert "17 avril 2018" in page


def test_a_decision_date_in_the_future_is_refused(decision, board_member, as_user):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = post_decision(as_user(board_member), decision, status=S.UNDER_ANALYSIS, decided_on=tomorrow)
    assert response.status_code == 200
    assert "ne peut pas être dans le futur" in response.content.decode()
    decision.refresh_from_db()
    assert decision.status == S.RECEIVED and not decision.history.exists()


def test_each_decisions_page_is_titled_with_its_recommendation(decision, board_member, as_user):
    html = as_user(board_member).get(edit_url(decision)).content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "Créer un comité éthique permanent" in title and "12" in title
