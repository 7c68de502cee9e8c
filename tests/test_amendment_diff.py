"""What the board changed in a recommendation: the group's text against the amended text, word by
word, marked for eyes (underlined, struck through), for screen readers (said in words) and safe
(the amended text is the board's typing, escaped)."""

import pytest
from wagtail.users.models import UserProfile

from workinggroups.models import BoardDecision, BoardPosition, Fact
from workinggroups.textdiff import changed, rich_text_paragraphs, word_diff

from .factories import RecommendationPageFactory

pytestmark = pytest.mark.usefixtures("shared_world")


def test_words_inserted_and_deleted_are_found_word_by_word():
    assert word_diff(
        "<p>Créer un comité éthique permanent.</p>", "Créer un comité éthique permanent et indépendant."
    ) == [
        [
            ("same", "Créer un comité éthique"),
            ("deleted", "permanent."),
            ("inserted", "permanent et indépendant."),
        ]
    ]


def test_formatting_is_not_a_change_only_what_is_read():
    html = '<p>Créer un <b>comité</b> <a href="https://example.org">éthique</a>.</p>'
    html += "<ul><li>Deux membres</li></ul>"
    assert rich_text_paragraphs(html) == ["Créer un comité éthique .", "Deux membres"]
    same = word_diff("<p>Un <i>comité</i> permanent.</p>", "Un comité permanent.")
    assert same == [[("same", "Un comité permanent.")]] and not changed(same)


def test_paragraphs_are_kept_added_and_removed():
    diff = word_diff(
        "<p>Premier point.</p><p>Second point.</p>", "Premier point.\n\nSecond point.\n\nTroisième point."
    )
    assert diff == [
        [("same", "Premier point.")],
        [("same", "Second point.")],
        [("inserted", "Troisième point.")],
    ]
    removed = word_diff("<p>Premier point.</p><p>Second point.</p>", "Premier point.")
    assert removed == [[("same", "Premier point.")], [("deleted", "Second point.")]]


@pytest.fixture
def amended(group_a, board_member):
    page = RecommendationPageFactory(
        parent=group_a, number=7, title="Un comité", text="<p>Créer un <b>comité</b> éthique permanent.</p>"
    )
    page.save_revision().publish()
    decision = BoardDecision.objects.get(recommendation=page)
    decision.record(Fact.POSITION, BoardPosition.UNDER_ANALYSIS, board_member)
    decision.record(
        Fact.POSITION,
        BoardPosition.AMENDED,
        board_member,
        amended_text="Créer un comité éthique indépendant <script>alert(1)</script>.",
        reasoning="L'indépendance compte plus que la durée.",
    )
    return page


def test_a_member_sees_what_the_board_changed_with_who_and_when(amended, member, board_member, as_user):
    html = as_user(member).get(amended.url).content.decode()
    comparison = html[html.index('class="comparison"') :]
    comparison = comparison[: comparison.index("</div>")]
    said = '<span class="visually-hidden" lang="fr">'  # in the reader's language
    hidden = '<span class="visually-hidden">'
    assert f"<del>{said}[retiré : </span>permanent.{hidden}]</span></del>" in comparison
    assert f"<ins>{said}[ajouté : </span>indépendant &lt;script&gt;alert(1)&lt;/script&gt;." in comparison
    assert "<script>" not in comparison  # the board's typing is text
    assert "Créer un comité éthique" in comparison
    assert "soulignés" in html and "barrés" in html  # the legend says how changes are shown
    assert "Amendé le" in html and (board_member.get_full_name() or board_member.username) in html
    assert "L&#x27;indépendance compte plus que la durée." in html


def test_no_comparison_before_the_board_amends(group_a, member, as_user):
    page = RecommendationPageFactory(parent=group_a, number=8, title="Sans amendement", text="<p>Texte.</p>")
    page.save_revision().publish()
    html = as_user(member).get(page.url).content.decode()
    assert 'class="comparison"' not in html and "Ce que le Conseil a changé" not in html


def test_the_marks_are_said_in_the_readers_language_the_words_in_the_contents(amended, member, as_user):
    profile = UserProfile.get_for_user(member)
    profile.preferred_language = "en"
    profile.save()
    html = as_user(member).get(amended.url).content.decode()
    comparison = html[html.index('class="comparison"') :]
    assert 'lang="fr"' in comparison[: comparison.index(">")]  # the group's words
    assert '<del><span class="visually-hidden" lang="en">[removed: </span>permanent.' in comparison
    assert "What the board changed in the group" in html
