"""The programme's dashboard: the three facts counted by group, drawn on the server as SVG (no script),
each count a link to the tracker filtered on it, the same figures as a table, only what the reader
may see, in the reader's language."""

import datetime
import html
import re

import pytest
from wagtail.users.models import UserProfile

from workinggroups.models import AssemblyOutcome, BoardPosition, Fact

from .factories import make_private_group
from .factories import publish_recommendation as publish

pytestmark = pytest.mark.usefixtures("shared_world")


@pytest.fixture
def counted(group_a, group_b, board_member, programme):
    """Group A: two adopted by the board (one adopted by the assembly), one received. Group B: one
    rejected. A private group: one received, which a plain member must not find counted anywhere."""
    for number in (1, 2):
        decision = publish(group_a, number, f"Adoptée {number}")
        decision.record(Fact.POSITION, BoardPosition.UNDER_ANALYSIS, board_member)
        decision.record(Fact.POSITION, BoardPosition.ADOPTED, board_member)
    decision.record(
        Fact.ASSEMBLY, AssemblyOutcome.ADOPTED, board_member, assembly_date=datetime.date(2018, 6, 19)
    )
    publish(group_a, 3, "Encore à l'étude")
    rejected = publish(group_b, 4, "Rejetée")
    rejected.record(Fact.POSITION, BoardPosition.UNDER_ANALYSIS, board_member)
    rejected.record(Fact.POSITION, BoardPosition.REJECTED, board_member, reasoning="Hors mission.")
    private = make_private_group(programme)
    publish(private, 5, "Secrète")
    return private


def dashboard(client, programme):
    page = client.get(programme.url).content.decode()
    start = page.index('id="dashboard-title"')
    return page[start : page.index("</section>", start)]


def segment(chart_html, href):
    """The aria-label of the link to ``href`` in the chart, or None."""
    match = re.search(rf'<a href="{re.escape(html.escape(href))}" aria-label="([^"]*)"', chart_html)
    return html.unescape(match.group(1)) if match else None


def test_each_fact_is_counted_by_group_and_each_count_links_to_the_filtered_tracker(
    counted, group_a, group_b, programme, member, as_user
):
    board = dashboard(as_user(member), programme)
    assert "<script" not in board and board.count("<svg") == 3  # one chart per fact, drawn on the server
    tracker = programme.url + programme.reverse_subpage("tracker")
    a, b = group_a.title, group_b.title
    assert (
        segment(board, f"{tracker}?groupe={group_a.slug}&position=adopted")
        == f"{a}, adoptée telle quelle : 2"
    )
    assert (
        segment(board, f"{tracker}?groupe={group_a.slug}&position=received")
        == f"{a}, reçue par le Conseil : 1"
    )
    assert segment(board, f"{tracker}?groupe={group_b.slug}&position=rejected") == f"{b}, rejetée : 1"
    assert segment(board, f"{tracker}?position=adopted") == "Tout le programme, adoptée telle quelle : 2"
    assert (
        segment(board, f"{tracker}?groupe={group_a.slug}&assemblee=adopted")
        == f"{a}, adoptée par l'assemblée : 1"
    )
    assert segment(board, f"{tracker}?groupe={group_a.slug}&suivi=not_started") == f"{a}, pas commencée : 1"
    assert segment(board, f"{tracker}?groupe={group_b.slug}&position=adopted") is None  # no zero-width links
    # The link leads to what it counts.
    listed = as_user(member).get(tracker, {"groupe": group_a.slug, "position": "adopted"}).content.decode()
    assert "Adoptée 1" in listed and "Adoptée 2" in listed and "Encore à l&#x27;étude" not in listed


def test_the_figures_are_also_a_table(counted, group_a, programme, member, as_user):
    board = dashboard(as_user(member), programme)
    table = board[board.index("Les chiffres en tableau") :]
    row = re.search(
        rf"<tr>\s*<th scope=\"row\"><a [^>]*>{re.escape(group_a.title)}</a></th>(.*?)</tr>", table, re.S
    )
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))
    # received, under analysis, adopted, amended, merged, deferred, rejected, total
    assert [re.sub(r"<[^>]+>", "", cell) for cell in cells] == ["1", "0", "2", "0", "0", "0", "0", "3"]


def test_what_the_reader_may_not_see_is_not_counted(counted, programme, member, board_member, as_user):
    board = dashboard(as_user(member), programme)
    assert "Groupe confidentiel" not in board and "confidentiel" not in board
    assert segment(board, programme.url + programme.reverse_subpage("tracker") + "?position=received") == (
        "Tout le programme, reçue par le Conseil : 1"
    )
    seen_by_board = dashboard(as_user(board_member), programme)
    assert "Groupe confidentiel" in seen_by_board
    assert "Tout le programme, reçue par le Conseil : 2" in html.unescape(seen_by_board)


def test_the_dashboard_speaks_the_readers_language(counted, programme, member, as_user):
    profile = UserProfile.get_for_user(member)
    profile.preferred_language = "nl"
    profile.save()
    board = html.unescape(dashboard(as_user(member), programme))
    assert "Dashboard van de aanbevelingen" in board and "ongewijzigd aangenomen" in board
    assert "Het hele programma" in board and "De cijfers in een tabel" in board


def test_a_programme_without_recommendations_shows_no_empty_chart(programme, member, as_user):
    page = as_user(member).get(programme.url).content.decode()
    assert 'id="dashboard-title"' not in page


def test_a_follow_up_rows_link_lists_what_it_counts(counted, group_a, programme, member, as_user):
    board = dashboard(as_user(member), programme)
    tracker = programme.url + programme.reverse_subpage("tracker")
    assert f'href="{html.escape(tracker)}?groupe={group_a.slug}&amp;suivi=any"' in board
    listed = as_user(member).get(tracker, {"groupe": group_a.slug, "suivi": "any"}).content.decode()
    assert "Adoptée 2" in listed and "Adoptée 1" not in listed  # only 2 was adopted by the assembly
