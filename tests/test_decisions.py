"""What became of each recommendation: the board's position, the general assembly's outcome and the
follow-up, three facts kept apart, each with its own history. Who records which, which changes are
allowed, what members see."""

import csv
import datetime
import html
import io
import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from workinggroups.models import (
    AssemblyOutcome,
    BoardDecision,
    BoardDecisionHistory,
    BoardPosition,
    Fact,
    FollowUp,
)

from .factories import RecommendationPageFactory, make_private_group, publish_recommendation

pytestmark = pytest.mark.usefixtures("shared_world")

P, A, F = BoardPosition, AssemblyOutcome, FollowUp
TITLE = "Créer un comité éthique permanent"


@pytest.fixture
def recommendation(group_a):
    page = RecommendationPageFactory(parent=group_a, number=12, title=TITLE, live=False)
    page.save_revision().publish()
    return page


@pytest.fixture
def decision(recommendation):
    return BoardDecision.objects.get(recommendation=recommendation)


def publish(group, number, title):
    """A published recommendation (the page)."""
    return publish_recommendation(group, number, title).recommendation


def edit_url(decision, screen="boarddecision"):
    return f"/admin/workinggroups/{screen}/edit/{decision.pk}/"


def form_data(decision, **fields):
    """What the board's form posts back unchanged, with ``fields`` changed."""
    data = {
        "position": decision.position,
        "amended_text": decision.amended_text,
        "reasoning": decision.reasoning,
        "merged_into": decision.merged_into_id or "",
        "position_note": "",
        "assembly_outcome": decision.assembly_outcome,
        "assembly_date": decision.assembly_date or "",
        "assembly_note": decision.assembly_note,
        "votes_for": decision.votes_for if decision.votes_for is not None else "",
        "votes_against": decision.votes_against if decision.votes_against is not None else "",
        "votes_abstaining": decision.votes_abstaining if decision.votes_abstaining is not None else "",
        "assembly_change_note": "",
        "follow_up": decision.follow_up,
        "progress": decision.progress,
        "follow_up_note": "",
        "decided_on": "",
    }
    data.update(fields)
    return data


def post_decision(client, decision, **fields):
    decision.refresh_from_db()
    return client.post(edit_url(decision), form_data(decision, **fields))


def post_follow_up(client, decision, **fields):
    data = {
        "follow_up": decision.follow_up,
        "progress": decision.progress,
        "follow_up_note": "",
        "decided_on": "",
    }
    data.update(fields)
    return client.post(edit_url(decision, "followuprecord"), data)


def to_the_assembly(decision, board, outcome=A.ADOPTED):
    """The board adopts it, the assembly decides ``outcome``: what a follow-up needs."""
    decision.record(Fact.POSITION, P.UNDER_ANALYSIS, board)
    decision.record(Fact.POSITION, P.ADOPTED, board)
    decision.record(
        Fact.ASSEMBLY,
        outcome,
        board,
        assembly_date=datetime.date(2018, 6, 19),
        assembly_note="Amendée en séance." if outcome == A.AMENDED else "",
    )


def page_text(client, page):
    return html.unescape(client.get(page.url).content.decode())


def test_publishing_a_recommendation_hands_it_to_the_board(decision, group_a, programme):
    assert (decision.position, decision.assembly_outcome, decision.follow_up) == (
        P.RECEIVED,
        A.PENDING,
        F.NOT_STARTED,
    )
    assert decision.working_group.pk == group_a.pk and decision.programme.pk == programme.pk
    assert decision.history.count() == 0


def test_the_board_amends_the_assembly_decides_and_the_facilitator_follows_up(
    decision, group_a, board_member, as_user, member
):
    """The whole journey through the admin, each fact with its own history, all on the member's page."""
    board = as_user(board_member)
    assert board.get(edit_url(decision)).status_code == 200
    assert (
        post_decision(
            board,
            decision,
            position=P.UNDER_ANALYSIS,
            position_note="Mise à l'étude.",
            decided_on="2018-04-10",
        ).status_code
        == 302
    )
    response = post_decision(
        board,
        decision,
        position=P.AMENDED,
        amended_text="Créer un comité éthique de sept membres.",
        reasoning="Neuf membres, c'est trop pour une coopérative de notre taille.",
        position_note="Adoptée en séance du 17 avril 2018.",
        decided_on="2018-04-17",
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    response = post_decision(
        board,
        decision,
        assembly_outcome=A.AMENDED,
        assembly_date="2018-06-19",
        assembly_note="L'assemblée a porté le comité à huit membres.",
        votes_for="356",
        votes_against="61",
        votes_abstaining="33",
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    facilitator = as_user(group_a.facilitator)
    response = post_follow_up(
        facilitator,
        decision,
        follow_up=F.IN_PROGRESS,
        progress="40",
        follow_up_note="Appel à candidatures lancé.",
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    response = post_follow_up(facilitator, decision, progress="80", follow_up_note="Huit candidats retenus.")
    assert response.status_code == 302

    decision.refresh_from_db()
    assert (decision.position, decision.assembly_outcome, decision.follow_up, decision.progress) == (
        P.AMENDED,
        A.AMENDED,
        F.IN_PROGRESS,
        80,
    )
    rows = decision.history.values_list(
        "fact", "from_status", "to_status", "changed_by__username", "progress"
    )
    assert list(rows) == [
        (Fact.POSITION, P.RECEIVED, P.UNDER_ANALYSIS, "conseil", None),
        (Fact.POSITION, P.UNDER_ANALYSIS, P.AMENDED, "conseil", None),
        (Fact.ASSEMBLY, A.PENDING, A.AMENDED, "conseil", None),
        (Fact.FOLLOW_UP, F.NOT_STARTED, F.IN_PROGRESS, group_a.facilitator.username, 40),
        (Fact.FOLLOW_UP, F.IN_PROGRESS, F.IN_PROGRESS, group_a.facilitator.username, 80),
    ]

    text = page_text(as_user(member), decision.recommendation)
    position = text[
        text.index("Position du Conseil d'administration") : text.index("Assemblée générale</h2>")
    ]
    assembly = text[text.index("Assemblée générale</h2>") : text.index("Suivi de la mise en œuvre")]
    follow_up = text[text.index("Suivi de la mise en œuvre") :]
    for expected in (
        "Adoptée avec amendement",
        "Créer un comité éthique de sept membres.",
        "Neuf membres, c'est trop",
        "17 avril 2018",
        "Adoptée en séance du 17 avril 2018.",
        "de « en cours d'analyse » à « adoptée avec amendement »",
    ):
        assert expected in position, expected
    for expected in (
        "Amendée en séance",
        "19 juin 2018",
        "L'assemblée a porté le comité à huit membres.",
        "356",
        "de « pas encore présentée » à « amendée en séance »",
    ):
        assert expected in assembly, expected
    assert "Adoptée avec amendement" not in assembly and "Amendée en séance" not in position
    for expected in (
        "En cours · 80\xa0%",
        "Appel à candidatures lancé.",
        "avancement : 80 %",
        "Huit candidats retenus.",
    ):
        assert expected in follow_up, expected


@pytest.mark.parametrize(
    ("setup", "fields", "message"),
    [
        (
            "received",
            {"position": P.ADOPTED},
            "« reçue par le Conseil » ne peut pas passer à « adoptée telle quelle »",
        ),
        (
            "analysed",
            {"assembly_outcome": A.ADOPTED, "assembly_date": "2018-06-19"},
            "Seule une recommandation adoptée, amendée ou rejetée par le Conseil est présentée",
        ),
        (
            "analysed",
            {"follow_up": F.DONE},
            "Seule une recommandation adoptée par l'assemblée générale a un suivi",
        ),
        ("assembly", {"position": P.UNDER_ANALYSIS}, "L'assemblée générale s'est prononcée"),
        ("assembly_rejected", {"follow_up": F.IN_PROGRESS, "follow_up_note": "Déjà ?"}, "a un suivi"),
        (
            "done",
            {"follow_up": F.ABANDONED, "follow_up_note": "Trop cher."},
            "« réalisée » ne peut pas passer à « abandonnée »",
        ),
        ("started", {"assembly_outcome": A.REJECTED}, "Le suivi a commencé"),
    ],
    ids=[
        "received-to-adopted",
        "assembly-before-a-position",
        "follow-up-before-the-assembly",
        "position-after-the-assembly",
        "follow-up-of-a-rejected-one",
        "done-to-abandoned",
        "assembly-corrected-after-follow-up",
    ],
)
def test_invalid_changes_are_refused_with_a_clear_message_and_change_nothing(
    decision, board_member, as_user, setup, fields, message
):
    if setup != "received":
        decision.record(Fact.POSITION, P.UNDER_ANALYSIS, board_member)
    if setup in {"assembly", "done", "started"}:
        decision.record(Fact.POSITION, P.ADOPTED, board_member)
        decision.record(Fact.ASSEMBLY, A.ADOPTED, board_member, assembly_date=datetime.date(2018, 6, 19))
    if setup == "assembly_rejected":
        decision.record(Fact.POSITION, P.REJECTED, board_member, reasoning="Hors mission.")
        decision.record(Fact.ASSEMBLY, A.REJECTED, board_member, assembly_date=datetime.date(2018, 6, 19))
    if setup == "done":
        decision.record(Fact.FOLLOW_UP, F.DONE, board_member)
    if setup == "started":
        decision.record(Fact.FOLLOW_UP, F.IN_PROGRESS, board_member, note="Lancée.", progress=10)
    decision.refresh_from_db()
    before = (decision.position, decision.assembly_outcome, decision.follow_up, decision.history.count())
    response = post_decision(as_user(board_member), decision, **fields)
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    decision.refresh_from_db()
    assert (
        decision.position,
        decision.assembly_outcome,
        decision.follow_up,
        decision.history.count(),
    ) == before


@pytest.mark.parametrize(
    ("to", "fields", "field", "message"),
    [
        (
            P.AMENDED,
            {"amended_text": "", "reasoning": "Trop large."},
            "amended_text",
            "Indiquez le texte amendé",
        ),
        (P.REJECTED, {"reasoning": ""}, "reasoning", "Indiquez la motivation du Conseil"),
        (P.DEFERRED, {"reasoning": ""}, "reasoning", "Indiquez la motivation du Conseil"),
        (P.MERGED, {"reasoning": "Même objet."}, "merged_into", "Choisissez la recommandation"),
    ],
    ids=["amended", "rejected", "deferred", "merged"],
)
def test_a_position_needs_what_explains_it(decision, board_member, to, fields, field, message):
    decision.record(Fact.POSITION, P.UNDER_ANALYSIS, board_member)
    with pytest.raises(ValidationError) as refused:
        decision.record(Fact.POSITION, to, board_member, **fields)
    assert message in " ".join(refused.value.message_dict[field])
    decision.refresh_from_db()
    assert decision.position == P.UNDER_ANALYSIS and decision.history.count() == 1


def test_the_assembly_and_the_follow_up_need_what_explains_them(decision, board_member, as_user):
    decision.record(Fact.POSITION, P.UNDER_ANALYSIS, board_member)
    decision.record(Fact.POSITION, P.ADOPTED, board_member)
    client = as_user(board_member)
    refused = {
        "Indiquez la date de l'assemblée générale.": {"assembly_outcome": A.ADOPTED},
        "Indiquez ce que l'assemblée a changé en séance.": {
            "assembly_outcome": A.AMENDED,
            "assembly_date": "2018-06-19",
        },
        "L'assemblée générale ne peut pas être dans le futur.": {
            "assembly_outcome": A.ADOPTED,
            "assembly_date": timezone.localdate() + datetime.timedelta(days=2),
        },
    }
    for message, fields in refused.items():
        response = post_decision(client, decision, **fields)
        assert message in html.unescape(response.content.decode()), message
    decision.record(Fact.ASSEMBLY, A.ADOPTED, board_member, assembly_date=datetime.date(2018, 6, 19))
    refused = {
        "Dites où en est la mise en œuvre": {"follow_up": F.IN_PROGRESS, "progress": "30"},
        "Dites pourquoi la mise en œuvre est abandonnée.": {"follow_up": F.ABANDONED},
        "Assurez-vous que cette valeur est inférieure ou égale à 100.": {
            "follow_up": F.IN_PROGRESS,
            "progress": "140",
            "follow_up_note": "Plus que prévu.",
        },
    }
    for message, fields in refused.items():
        response = post_decision(client, decision, **fields)
        assert message in html.unescape(response.content.decode()), message
    decision.refresh_from_db()
    assert decision.follow_up == F.NOT_STARTED and decision.history.filter(fact=Fact.FOLLOW_UP).count() == 0
    # Done means all of it, whatever the form said.
    decision.record(Fact.FOLLOW_UP, F.DONE, board_member, progress=35)
    decision.refresh_from_db()
    assert decision.progress == 100


def test_a_merged_recommendation_links_both_ways(decision, group_a, group_b, board_member, as_user, member):
    target = publish(group_b, 30, "Publier un rapport annuel du comité")
    decision.record(Fact.POSITION, P.UNDER_ANALYSIS, board_member)
    response = post_decision(
        as_user(board_member),
        decision,
        position=P.MERGED,
        merged_into=target.pk,
        reasoning="Le rapport annuel couvre le même besoin.",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    decision.refresh_from_db()
    assert decision.merged_into.pk == target.pk
    client = as_user(member)
    merged_page = page_text(client, decision.recommendation)
    assert "Fusionnée dans la recommandation n° 30" in merged_page
    assert "Publier un rapport annuel du comité" in merged_page
    target_page = page_text(client, target)
    assert "Elle reprend aussi" in target_page and TITLE in target_page
    # Reopened, it leaves the merge: the link goes on both sides.
    decision.record(Fact.POSITION, P.UNDER_ANALYSIS, board_member)
    decision.refresh_from_db()
    assert decision.merged_into is None
    assert "Elle reprend aussi" not in page_text(client, target)


def test_merges_do_not_chain_nor_loop(decision, group_a, board_member):
    second = BoardDecision.objects.get(recommendation=publish(group_a, 13, "Former les membres du comité"))
    third = publish(group_a, 14, "Publier les avis")
    for one in (decision, second):
        one.record(Fact.POSITION, P.UNDER_ANALYSIS, board_member)
    second.record(Fact.POSITION, P.MERGED, board_member, merged_into=third, reasoning="Même objet.")
    with pytest.raises(ValidationError, match="elle-même fusionnée"):
        decision.record(
            Fact.POSITION, P.MERGED, board_member, merged_into=second.recommendation, reasoning="x"
        )
    with pytest.raises(ValidationError, match="dans elle-même"):
        decision.record(
            Fact.POSITION, P.MERGED, board_member, merged_into=decision.recommendation, reasoning="x"
        )
    third_decision = BoardDecision.objects.get(recommendation=third)
    third_decision.record(Fact.POSITION, P.UNDER_ANALYSIS, board_member)
    with pytest.raises(ValidationError, match="D'autres recommandations sont fusionnées dans celle-ci"):
        third_decision.record(
            Fact.POSITION, P.MERGED, board_member, merged_into=decision.recommendation, reasoning="x"
        )


def test_history_rows_cannot_be_edited_or_deleted(decision, board_member):
    decision.record(Fact.POSITION, P.UNDER_ANALYSIS, board_member, note="Première lecture")
    row = BoardDecisionHistory.objects.get()
    row.note = "Réécrite"
    with pytest.raises(ValidationError):
        row.save()
    with pytest.raises(ValidationError):
        row.delete()
    assert BoardDecisionHistory.objects.get().note == "Première lecture"


def test_only_the_board_records_its_position_and_the_assemblys_outcome(
    decision, group_a, editor, member, superuser, as_user
):
    for user in (group_a.facilitator, group_a.people[0], editor):
        client = as_user(user)
        assert client.get(edit_url(decision)).status_code in (302, 403), user.username
        client.post(edit_url(decision), form_data(decision, position=P.UNDER_ANALYSIS))
        decision.refresh_from_db()
        assert decision.position == P.RECEIVED
        # Nor through the model, whatever calls it.
        with pytest.raises(PermissionDenied):
            decision.record(Fact.POSITION, P.UNDER_ANALYSIS, user)
    assert as_user(member).get(edit_url(decision)).status_code == 302
    assert as_user(superuser).get(edit_url(decision)).status_code == 200


def test_the_follow_up_is_the_boards_and_the_groups_facilitators_only(
    decision, group_a, group_b, board_member, member, as_user
):
    """Another group's facilitator, a member of the group, a plain member: nothing, not even the row;
    the group's facilitator changes the follow-up and nothing else, whatever the form posts."""
    to_the_assembly(decision, board_member)
    other = BoardDecision.objects.get(recommendation=publish(group_b, 30, "Publier les comptes"))
    to_the_assembly(other, board_member)
    listing = "/admin/workinggroups/followuprecord/"

    facilitator = as_user(group_a.facilitator)
    mine = facilitator.get(listing).content.decode()
    assert TITLE in mine and "Publier les comptes" not in mine
    assert facilitator.get(edit_url(other, "followuprecord")).status_code in (302, 403)
    post_follow_up(facilitator, other, follow_up=F.IN_PROGRESS, progress="50", follow_up_note="Intrusion.")
    other.refresh_from_db()
    assert other.follow_up == F.NOT_STARTED
    with pytest.raises(PermissionDenied):
        other.record(Fact.FOLLOW_UP, F.IN_PROGRESS, group_a.facilitator, note="Intrusion.", progress=50)

    response = post_follow_up(
        facilitator,
        decision,
        follow_up=F.IN_PROGRESS,
        progress="20",
        follow_up_note="Lancée.",
        position=P.REJECTED,  # not a field of this screen: ignored
        assembly_outcome=A.REJECTED,
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert (decision.position, decision.assembly_outcome, decision.follow_up) == (
        P.ADOPTED,
        A.ADOPTED,
        F.IN_PROGRESS,
    )

    for user in (group_b.facilitator, group_a.people[0], member):
        client = as_user(user)
        assert client.get(edit_url(decision, "followuprecord")).status_code in (302, 403), user.username
        post_follow_up(client, decision, follow_up=F.DONE)
        decision.refresh_from_db()
        assert decision.follow_up == F.IN_PROGRESS
    assert "Publier les comptes" in as_user(group_b.facilitator).get(listing).content.decode()
    assert as_user(group_a.people[0]).get(listing).status_code in (302, 403)
    board_listing = as_user(board_member).get(listing).content.decode()
    assert TITLE in board_listing and "Publier les comptes" in board_listing


def test_the_board_liaison_of_a_group_edits_as_a_board_member(decision, group_a, as_user):
    """The liaison sits on the board: the right comes from the board group, not from the group."""
    assert as_user(group_a.liaison).get(edit_url(decision)).status_code == 200


def test_decisions_cannot_be_created_or_deleted_in_the_admin(decision, board_member, as_user):
    client = as_user(board_member)
    for screen in ("boarddecision", "followuprecord"):
        assert client.get(f"/admin/workinggroups/{screen}/create/").status_code in (302, 403)
        assert client.get(f"/admin/workinggroups/{screen}/delete/{decision.pk}/").status_code in (302, 403)
    assert BoardDecision.objects.filter(pk=decision.pk).exists()


def test_the_board_lists_filters_searches_and_exports_without_formulas(
    decision, group_b, board_member, as_user
):
    other = publish(group_b, 30, "Publier les comptes")
    decision.record(Fact.POSITION, P.UNDER_ANALYSIS, board_member)
    decision.record(
        Fact.POSITION, P.AMENDED, board_member, amended_text='=HYPERLINK("http://x")', reasoning="+1"
    )
    client = as_user(board_member)
    listing = client.get("/admin/workinggroups/boarddecision/", {"working_group__id__exact": group_b.pk})
    assert "Publier les comptes" in listing.content.decode() and TITLE not in listing.content.decode()
    searched = client.get("/admin/workinggroups/boarddecision/", {"q": "comité"}).content.decode()
    assert TITLE in searched and "Publier les comptes" not in searched
    by_position = client.get(
        "/admin/workinggroups/boarddecision/", {"position__exact": "received"}
    ).content.decode()
    assert "Publier les comptes" in by_position and TITLE not in by_position
    assert (
        other.title
        in client.get(
            "/admin/workinggroups/boarddecision/", {"assembly_outcome__exact": "pending"}
        ).content.decode()
    )
    export = client.get("/admin/workinggroups/boarddecision/", {"export": "csv"})
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert len(rows) == 3
    amended = next(row for row in rows if TITLE in " ".join(row))
    assert '\'=HYPERLINK("http://x")' in amended and "'+1" in amended


def test_the_tracker_filters_on_each_fact_and_keeps_older_links(
    decision, group_a, board_member, member, as_user, programme
):
    to_the_assembly(decision, board_member)
    decision.record(Fact.FOLLOW_UP, F.DONE, board_member)
    other = publish(group_a, 13, "Former les animateurs")
    client = as_user(member)
    tracker = programme.url + programme.reverse_subpage("tracker")

    def listed(**query):
        page = client.get(tracker, query).content.decode()
        return TITLE in page, other.title in page

    assert listed(position="adopted") == (True, False)
    assert listed(position="received") == (False, True)
    assert listed(assemblee="adopted") == (True, False)
    assert listed(assemblee="pending") == (False, True)
    assert listed(suivi="done") == (True, False)
    assert listed(suivi="not_started") == (False, False)  # not adopted by the assembly: no follow-up yet
    # What links made before the three facts said.
    assert listed(assemblee="presentee") == (True, False)
    assert listed(assemblee="non-presentee") == (False, True)
    assert listed(statut="presented") == (True, False)
    assert listed(statut="implemented") == (True, False)
    assert listed(statut="received") == (False, True)
    for query, notice in (
        ({"position": "n'importe quoi"}, "Cette position du Conseil n'existe pas"),
        ({"assemblee": "<b>"}, "Ce choix pour l'assemblée générale n'existe pas"),
        ({"suivi": "fini"}, "Cet état du suivi n'existe pas"),
    ):
        page = html.unescape(client.get(tracker, query).content.decode())
        assert notice in page and TITLE in page and "Former les animateurs" in page
    row = re.search(r"<tr>\s*<td[^>]*>12</td>.*?</tr>", client.get(tracker).content.decode(), re.S).group()
    assert "Adoptée telle quelle" in row and "Adoptée par l&#x27;assemblée" in row and "Réalisée" in row


def test_the_home_page_counts_each_fact_apart_and_links_to_the_tracker(
    decision, group_a, board_member, member, as_user, programme
):
    to_the_assembly(decision, board_member)
    publish(group_a, 13, "Former les animateurs")
    tracker = programme.url + programme.reverse_subpage("tracker")
    home_html = as_user(member).get("/").content.decode()
    for fact, value, label in (
        ("position", "adopted", "Adoptée telle quelle"),
        ("position", "received", "Reçue par le Conseil"),
        ("assemblee", "adopted", "Adoptée par l&#x27;assemblée"),
        ("assemblee", "pending", "Pas encore présentée"),
        ("suivi", "not_started", "Pas commencée"),
    ):
        link = re.search(rf'<a href="{re.escape(tracker)}\?{fact}={value}">(.*?)</a>', home_html, re.S)
        assert link is not None, (fact, value)
        assert label in link.group(1) and "<strong>1</strong>" in link.group(1)
    assert "?suivi=done" not in home_html  # nothing done: no count of zero


def test_a_recommendation_with_a_decision_is_not_deleted(decision, superuser, as_user):
    page = decision.recommendation
    response = as_user(superuser).post(f"/admin/pages/{page.pk}/delete/")
    assert response.status_code == 302
    assert type(page).objects.filter(pk=page.pk).exists()
    assert BoardDecision.objects.filter(pk=decision.pk).exists()


def test_the_form_shows_the_recommendation_and_offers_only_allowed_values(decision, board_member, as_user):
    recommendation = decision.recommendation
    recommendation.text = "<p>Un comité éthique permanent de neuf membres.</p>"
    recommendation.save_revision().publish()
    form = as_user(board_member).get(edit_url(decision)).content.decode()
    assert "Recommandation 12 : Créer un comité éthique permanent" in form
    assert "Un comité éthique permanent de neuf membres." in form

    def offered(name):
        select = re.search(rf'<select name="{name}".*?</select>', form, re.S).group()
        return re.findall(r'<option value="([a-z_]+)"', select)

    assert offered("position") == [P.RECEIVED, P.UNDER_ANALYSIS, P.DEFERRED]  # itself and its next
    assert offered("assembly_outcome") == [A.PENDING, A.ADOPTED, A.AMENDED, A.REJECTED]
    assert 'name="decided_on"' in form and 'name="follow_up_note"' in form
    follow_up_form = as_user(board_member).get(edit_url(decision, "followuprecord"))
    assert follow_up_form.status_code in (302, 403)  # not adopted by the assembly: no follow-up to edit


def test_a_change_is_dated_by_its_meeting_and_the_board_is_told_what_it_recorded(
    decision, board_member, as_user, member
):
    client = as_user(board_member)
    response = post_decision(client, decision, position=P.UNDER_ANALYSIS, decided_on="2018-04-17")
    assert response.status_code == 302
    change = decision.history.get()
    assert timezone.localtime(change.changed_at).date() == datetime.date(2018, 4, 17)
    shown = [str(m.message) for m in get_messages(client.get(response["Location"]).wsgi_request)]
    assert len(shown) == 1 and html.unescape(shown[0]).startswith(
        "Enregistré : la recommandation 12 « Créer un comité éthique permanent » est « en cours d'analyse »"
    )
    assert "17 avril 2018" in page_text(as_user(member), decision.recommendation)


def test_a_date_in_the_future_is_refused(decision, board_member, as_user):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = post_decision(as_user(board_member), decision, position=P.UNDER_ANALYSIS, decided_on=tomorrow)
    assert response.status_code == 200
    assert "ne peut pas être dans le futur" in response.content.decode()
    decision.refresh_from_db()
    assert decision.position == P.RECEIVED and not decision.history.exists()


def test_each_decisions_page_is_titled_with_its_recommendation(decision, board_member, as_user):
    page = as_user(board_member).get(edit_url(decision)).content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "Créer un comité éthique permanent" in title and "12" in title


def test_the_board_corrects_what_goes_with_a_fact_without_moving_it(decision, board_member, as_user, member):
    """A typo in the reasoning, the votes known a week later: the fact stays, the history says so; the
    same form sent again unchanged writes nothing."""
    decision.record(Fact.POSITION, P.UNDER_ANALYSIS, board_member)
    decision.record(Fact.POSITION, P.REJECTED, board_member, reasoning="Hors de notre missoin.")
    client = as_user(board_member)
    assert post_decision(client, decision, reasoning="Hors de notre mission.").status_code == 302
    assert post_decision(client, decision).status_code == 302  # nothing changed: nothing written
    decision.refresh_from_db()
    assert decision.reasoning == "Hors de notre mission." and decision.position == P.REJECTED
    rows = list(decision.history.values_list("fact", "from_status", "to_status"))
    assert rows[-1] == (Fact.POSITION, P.REJECTED, P.REJECTED) and len(rows) == 3
    response = post_decision(client, decision, assembly_outcome=A.REJECTED, assembly_date="2018-06-19")
    assert response.status_code == 302
    assert post_decision(client, decision, votes_for="98", votes_against="301").status_code == 302
    decision.refresh_from_db()
    assert (decision.votes_for, decision.votes_against) == (98, 301)
    assert "« rejetée par l'assemblée » : précisions apportées" in page_text(
        as_user(member), decision.recommendation
    )
    # Still not before the fact has moved at all, nor once the assembly has spoken for the position.
    with pytest.raises(ValidationError, match="L'assemblée générale s'est prononcée"):
        decision.record(Fact.POSITION, P.REJECTED, board_member, reasoning="Autre motivation.")
    fresh = BoardDecision.objects.get(recommendation=publish(decision.working_group, 40, "Nouvelle"))
    with pytest.raises(ValidationError, match="ne peut pas passer"):
        fresh.record(Fact.ASSEMBLY, A.PENDING, board_member, votes_for=3)


def test_a_tab_opened_before_someone_elses_change_does_not_undo_it(decision, board_member, group_a, as_user):
    to_the_assembly(decision, board_member)
    decision.record(Fact.FOLLOW_UP, F.IN_PROGRESS, board_member, note="Lancée.", progress=40)
    board = as_user(board_member)
    opened = board.get(edit_url(decision)).content.decode()
    loaded = re.search(r'name="loaded_version" value="([^"]+)"', opened).group(1)
    assert 'type="hidden" name="loaded_version"' in opened
    # Meanwhile the facilitator notes progress.
    decision.record(Fact.FOLLOW_UP, F.IN_PROGRESS, group_a.facilitator, note="À mi-chemin.", progress=60)
    decision.refresh_from_db()
    stale = form_data(decision, progress=40, follow_up_note="Note du Conseil.", loaded_version=loaded)
    response = board.post(edit_url(decision), stale)
    assert response.status_code == 200
    assert "Quelqu'un a modifié cette recommandation depuis que vous avez ouvert cette page" in html.unescape(
        response.content.decode()
    )
    decision.refresh_from_db()
    assert decision.progress == 60 and decision.history.filter(note="Note du Conseil.").count() == 0
    fresh = re.search(
        r'name="loaded_version" value="([^"]+)"', board.get(edit_url(decision)).content.decode()
    )
    again = form_data(decision, follow_up_note="Note du Conseil.", loaded_version=fresh.group(1))
    assert board.post(edit_url(decision), again).status_code == 302
    assert decision.history.filter(note="Note du Conseil.", progress=60).exists()


def test_a_note_alone_is_recorded_for_every_fact(decision, board_member, as_user, member):
    to_the_assembly(decision, board_member)
    decision.record(Fact.FOLLOW_UP, F.DONE, board_member)
    client = as_user(board_member)
    for note_field, fact in (
        ("position_note", Fact.POSITION),
        ("assembly_change_note", Fact.ASSEMBLY),
        ("follow_up_note", Fact.FOLLOW_UP),
    ):
        assert post_decision(client, decision, **{note_field: f"Précision ({fact})."}).status_code == 302
        row = decision.history.latest("pk")
        assert (row.fact, row.from_status == row.to_status, row.note) == (fact, True, f"Précision ({fact}).")
    text = page_text(as_user(member), decision.recommendation)
    assert (
        "« réalisée » : précisions apportées" in text and "avancement" not in text.split("Notes de suivi")[1]
    )


def test_an_assembly_outcome_recorded_by_mistake_is_withdrawn_with_why(decision, board_member):
    to_the_assembly(decision, board_member)
    decision.record(Fact.ASSEMBLY, A.ADOPTED, board_member, votes_for=10)
    with pytest.raises(ValidationError, match="Dites pourquoi cette décision de l'assemblée est retirée"):
        decision.record(Fact.ASSEMBLY, A.PENDING, board_member)
    decision.record(Fact.ASSEMBLY, A.PENDING, board_member, note="Saisie sur la mauvaise recommandation.")
    decision.refresh_from_db()
    assert (decision.assembly_outcome, decision.assembly_date, decision.votes_for) == (A.PENDING, None, None)
    decision.record(Fact.POSITION, P.UNDER_ANALYSIS, board_member)  # the position may move again


def test_an_amended_text_goes_only_with_an_amendment(decision, board_member, member, as_user):
    decision.record(Fact.POSITION, P.UNDER_ANALYSIS, board_member)
    decision.record(Fact.POSITION, P.AMENDED, board_member, amended_text="Sept membres.", reasoning="Taille.")
    decision.record(Fact.POSITION, P.UNDER_ANALYSIS, board_member)
    decision.refresh_from_db()
    assert decision.amended_text == "Sept membres."  # kept while the board analyses again...
    assert "Texte amendé par le Conseil" not in page_text(
        as_user(member), decision.recommendation
    )  # ...unseen
    decision.record(Fact.POSITION, P.ADOPTED, board_member, amended_text="Ajouté après coup.")
    decision.refresh_from_db()
    assert decision.amended_text == ""
    assert "Texte amendé par le Conseil" not in page_text(as_user(member), decision.recommendation)


def test_a_merge_into_a_private_groups_recommendation_is_not_numbered_for_those_outside(
    decision, board_member, member, as_user, programme
):
    private = make_private_group(programme)
    secret = publish(private, 77, "Recommandation secrète")
    decision.record(Fact.POSITION, P.UNDER_ANALYSIS, board_member)
    decision.record(Fact.POSITION, P.MERGED, board_member, merged_into=secret, reasoning="Même objet.")
    tracker = programme.url + programme.reverse_subpage("tracker")
    for client in (as_user(member),):
        for url in (tracker, decision.recommendation.get_parent().url, decision.recommendation.url):
            text = html.unescape(client.get(url).content.decode())
            assert "Fusionnée dans une autre" in text and "n° 77" not in text, url
        exported = client.get(programme.url + programme.reverse_subpage("tracker_csv")).content.decode()
        assert ",77," not in exported and "secrète" not in exported
    assert "n° 77" in html.unescape(as_user(board_member).get(tracker).content.decode())


def test_the_facilitators_follow_up_screen_offers_only_their_groups_in_its_filter(
    decision, group_a, group_b, board_member, as_user
):
    to_the_assembly(decision, board_member)
    other = BoardDecision.objects.get(recommendation=publish(group_b, 30, "Publier les comptes"))
    to_the_assembly(other, board_member)
    listing = as_user(group_a.facilitator).get("/admin/workinggroups/followuprecord/").content.decode()
    assert group_a.title in listing and group_b.title not in listing


def test_the_home_page_counts_each_programmes_facts_apart_in_a_fixed_number_of_queries(
    home, programme, group_a, member, as_user
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    from .factories import ProgrammePageFactory, make_working_group

    client = as_user(member)

    def counts():
        with override_settings(PAGE_CACHE_SECONDS=0):
            client.get("/")  # the person's rights, read once a generation (sitewide/page_cache.py)
            with CaptureQueriesContext(connection) as captured:
                page = client.get("/").content.decode()
        received = re.findall(r"Reçue par le Conseil</span> <strong>(\d+)</strong>", page)
        return len(captured), received

    publish(group_a, 21, "Une")
    publish(group_a, 22, "Deux")
    one_programme = counts()
    later = ProgrammePageFactory(
        parent=home, title="Groupes de travail 2019", start_date=datetime.date(2019, 9, 1)
    )
    publish(make_working_group(later, members=1, title="Autre groupe", slug="autre"), 1, "Trois")
    two_programmes = counts()
    assert one_programme[1] == ["2"]
    assert two_programmes[1] == ["1", "2"]  # newest programme first, each its own count
    assert two_programmes[0] == one_programme[0]
