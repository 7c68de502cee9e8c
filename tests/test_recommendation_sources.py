"""Where a recommendation came from: the meeting reports, hearings and visits chosen in the admin,
shown on the recommendation and on each report, as far as the reader may see them."""

import pytest
from wagtail.models import PageViewRestriction

from workinggroups.models import RecommendationPage, RecommendationSource

from .admin_forms import add_inline_row, edit_form_data, error_text, post_edit
from .factories import MeetingReportPageFactory, RecommendationPageFactory, make_working_group

pytestmark = pytest.mark.usefixtures("shared_world")


def published(page):
    page.save_revision().publish()
    return page


@pytest.fixture
def story(group_a):
    hearing = published(
        MeetingReportPageFactory(
            parent=group_a, title="Audition d'une juriste", kind="hearing", date="2017-11-14"
        )
    )
    visit = published(
        MeetingReportPageFactory(
            parent=group_a, title="Visite d'une coopérative", kind="visit", date="2018-01-09"
        )
    )
    recommendation = RecommendationPageFactory(parent=group_a, number=5, title="Une charte éthique")
    recommendation.sources = [RecommendationSource(report=visit), RecommendationSource(report=hearing)]
    published(recommendation)
    return hearing, visit, RecommendationPage.objects.get(pk=recommendation.pk)


def test_a_recommendation_says_where_it_came_from_and_each_report_what_it_fed(story, member, as_user):
    hearing, visit, recommendation = story
    client = as_user(member)
    page = client.get(recommendation.url).content.decode()
    section = page[page.index('id="sources-title"') : page.index('id="position-title"')]
    assert section.index("Audition d&#x27;une juriste") < section.index(
        "Visite d&#x27;une coopérative"
    )  # by date
    assert hearing.url in section and visit.url in section
    for report in (hearing, visit):
        html = client.get(report.url).content.decode()
        assert "Recommandations issues de cette réunion" in html
        assert recommendation.url in html and "Une charte éthique" in html and "n° 5" in html


def test_a_report_that_fed_nothing_says_nothing(group_a, member, as_user):
    report = published(MeetingReportPageFactory(parent=group_a, title="Réunion de lancement"))
    assert "Recommandations issues" not in as_user(member).get(report.url).content.decode()


def test_a_report_the_reader_may_not_open_is_not_named(programme, group_a, member, as_user):
    closed = make_working_group(programme, members=1, title="Groupe fermé", slug="ferme")
    restriction = PageViewRestriction.objects.create(page=closed, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([closed.django_group])
    secret = published(MeetingReportPageFactory(parent=closed, title="Compte rendu SECRET8812"))
    recommendation = RecommendationPageFactory(parent=group_a, number=6, title="Ouverte")
    recommendation.sources = [RecommendationSource(report=secret)]
    published(recommendation)

    assert "SECRET8812" not in as_user(member).get(recommendation.url).content.decode()
    insider = as_user(closed.people[0]).get(recommendation.url).content.decode()
    assert "SECRET8812" in insider and "Groupe fermé" in insider  # another group's report says whose


def test_an_unpublished_recommendation_is_not_listed_on_its_reports(group_a, member, as_user):
    report = published(MeetingReportPageFactory(parent=group_a, title="Réunion de février"))
    draft = RecommendationPageFactory(parent=group_a, number=9, title="Brouillon QX71", live=False)
    draft.sources = [RecommendationSource(report=report)]
    draft.save()
    assert "QX71" not in as_user(member).get(report.url).content.decode()


def test_an_editor_chooses_the_sources_in_the_admin(group_a, editor, as_user):
    report = published(MeetingReportPageFactory(parent=group_a, title="Réunion de mars"))
    recommendation = published(RecommendationPageFactory(parent=group_a, number=10, title="Un registre"))
    client = as_user(editor)
    data = edit_form_data(client, recommendation)
    assert "sources-TOTAL_FORMS" in data  # the "Where it came from" panel is on the form
    add_inline_row(data, "sources", report=report.pk)
    response = post_edit(client, recommendation, data, None)
    assert response.status_code == 302, error_text(response)[:2000]
    draft = RecommendationPage.objects.get(pk=recommendation.pk).get_latest_revision_as_object()
    assert [source.report_id for source in draft.sources.all()] == [report.pk]


def test_the_same_report_chosen_twice_is_a_clear_error(group_a, editor, as_user):
    report = published(MeetingReportPageFactory(parent=group_a, title="Réunion d'avril"))
    recommendation = published(RecommendationPageFactory(parent=group_a, number=11, title="Un double"))
    client = as_user(editor)
    data = edit_form_data(client, recommendation)
    add_inline_row(data, "sources", report=report.pk)
    add_inline_row(data, "sources", report=report.pk)
    response = post_edit(client, recommendation, data, None)
    assert response.status_code == 200  # the form again, nothing saved
    text = error_text(response)
    assert "Corrigez les valeurs en double" in text  # on the repeated row, with the form kept
    assert (
        RecommendationPage.objects.get(pk=recommendation.pk).get_latest_revision_as_object().sources.count()
        == 0
    )
