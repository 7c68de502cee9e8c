"""A change within one working group renders again that group's pages, its programme's and the pages
of every group (home, search), and leaves the other groups' pages cached; a change to people or rights
renders every page again, so no page that lost a restriction is ever served from an older copy
(sitewide/scopes.py)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from meetings.models import Meeting
from workinggroups.models import (
    BoardDecision,
    BoardPosition,
    ProgrammePage,
    RecommendationSource,
    WorkingGroupPage,
)
from workinggroups.models.groups import PROGRAMME_LIST_SLUGS
from workinggroups.roles import board_group

from .factories import (
    MeetingReportPageFactory,
    ProgrammePageFactory,
    make_working_group,
    publish_recommendation,
)

pytestmark = pytest.mark.usefixtures("shared_world")


def state(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response["X-Page-Cache"], response.content.decode()


def warm(client, *urls):
    for url in urls:
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit", url


def publish_report(group, title):
    report = MeetingReportPageFactory(parent=group, title=title, live=False)
    report.save_revision().publish()
    return report


def recommendation_citing(group, number, report):
    """A recommendation published in ``group`` that names ``report`` (of another group) as its source."""
    recommendation = publish_recommendation(group, number, f"Une charte n° {number}").recommendation
    recommendation.sources.add(RecommendationSource(report=report))
    recommendation.save_revision().publish()
    return recommendation


@pytest.fixture
def pages(group_a, group_b):
    return {
        "report a": publish_report(group_a, "Réunion d'octobre"),
        "report b": publish_report(group_b, "Réunion de septembre"),
    }


def test_a_report_published_in_one_group_leaves_the_other_groups_pages_cached(
    pages, group_a, group_b, programme, member, as_user
):
    client = as_user(member)
    warm(client, group_a.url, pages["report a"].url, group_b.url, pages["report b"].url, programme.url, "/")
    publish_report(group_b, "Réunion de décembre TOUTNEUF")
    # The other group's pages: still the stored copies.
    assert state(client, group_a.url)[0] == "hit"
    assert state(client, pages["report a"].url)[0] == "hit"
    # The group's own pages, its programme's, the home page and search: rendered again, with the report.
    for url in (group_b.url, "/"):
        served, html = state(client, url)
        assert served == "miss" and "TOUTNEUF" in html, url
    assert state(client, programme.url)[0] == "miss"  # its lists count the group's reports
    assert state(client, pages["report b"].url)[0] == "miss"
    assert "TOUTNEUF" in state(client, "/search/?q=TOUTNEUF")[1]


def test_a_meeting_planned_in_one_group_is_on_its_page_and_not_the_others(group_a, group_b, member, as_user):
    client = as_user(member)
    warm(client, group_a.url, group_b.url)
    start = timezone.now() + datetime.timedelta(days=3)
    Meeting.objects.create(
        group=group_b,
        kind="monthly",
        title="Séance PLANIFIEE",
        start=start,
        end=start + datetime.timedelta(hours=2),
        place="Salle 2",
    )
    assert state(client, group_a.url)[0] == "hit"
    served, html = state(client, group_b.url)
    assert served == "miss" and "PLANIFIEE" in html


def test_a_restriction_added_in_one_group_renders_every_page_again(pages, group_a, group_b, member, as_user):
    """Rights are never confined: the report made private leaves every copy that named it."""
    client = as_user(member)
    warm(client, group_a.url, group_b.url, "/")
    assert "Réunion d&#x27;octobre" in state(client, group_a.url)[1]
    restriction = PageViewRestriction.objects.create(
        page=pages["report a"], restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([group_a.django_group, board_group()])
    for url in (group_a.url, group_b.url, "/"):
        served, html = state(client, url)
        assert served == "miss" and "Réunion d&#x27;octobre" not in html, url
    # Those who may still read it get it on their own copy.
    assert "Réunion d&#x27;octobre" in state(as_user(group_a.people[0]), group_a.url)[1]


def test_a_report_renamed_in_one_group_renders_the_recommendation_of_another_that_names_it(
    pages, group_a, group_b, member, as_user
):
    recommendation = recommendation_citing(group_b, 4, pages["report a"])
    client = as_user(member)
    warm(client, recommendation.url, group_b.url)
    assert "Réunion d&#x27;octobre" in state(client, recommendation.url)[1]
    report = Page.objects.get(pk=pages["report a"].pk).specific
    report.title = "Réunion d'octobre RENOMMEE"
    report.save_revision().publish()
    served, html = state(client, recommendation.url)
    assert served == "miss" and "RENOMMEE" in html


def test_a_merge_across_groups_renders_both_recommendations_again(
    group_a, group_b, board_member, member, as_user
):
    first = publish_recommendation(group_a, 1, "Une première idée")
    second = publish_recommendation(group_b, 2, "Une idée voisine")
    client = as_user(member)
    warm(client, first.recommendation.url, second.recommendation.url)
    decision = BoardDecision.objects.get(pk=second.pk)
    decision.record("position", BoardPosition.UNDER_ANALYSIS, board_member)
    decision = BoardDecision.objects.get(pk=second.pk)
    decision.record(
        "position",
        BoardPosition.MERGED,
        board_member,
        reasoning="Même objet.",
        merged_into=first.recommendation,
    )
    served, html = state(client, first.recommendation.url)
    assert served == "miss" and "Une idée voisine" in html
    assert state(client, second.recommendation.url)[0] == "miss"


def test_a_report_moved_to_another_group_leaves_the_first_groups_page(
    pages, group_a, group_b, member, as_user
):
    client = as_user(member)
    warm(client, group_a.url, group_b.url)
    Page.objects.get(pk=pages["report a"].pk).move(group_b, pos="last-child")
    served, html = state(client, group_a.url)
    assert served == "miss" and "Réunion d&#x27;octobre" not in html
    assert "Réunion d&#x27;octobre" in state(client, group_b.url)[1]


def test_a_group_renamed_renders_every_page_again(group_a, group_b, member, as_user):
    """A group's own title is named on other pages (the menus, its programme, other groups' sources)."""
    client = as_user(member)
    warm(client, group_b.url)
    group = WorkingGroupPage.objects.get(pk=group_a.pk)
    group.title = "Éthique RENOMMEE"
    group.save_revision().publish()
    assert state(client, group_b.url)[0] == "miss"


def test_a_group_in_another_programme_keeps_its_pages(group_a, home, member, as_user):
    programme = ProgrammePageFactory(parent=home, title="Groupes de travail 2019", slug="gt-2019")
    other = make_working_group(programme, title="Outils", slug="outils")
    client = as_user(member)
    warm(client, other.url, programme.url, group_a.url)
    publish_report(group_a, "Réunion TOUTNEUVE")
    assert state(client, other.url)[0] == "hit"
    assert state(client, programme.url)[0] == "hit"  # its programme too
    assert state(client, group_a.get_parent().url)[0] == "miss"


def test_a_group_cannot_take_the_address_of_its_programmes_lists(programme):
    """The programme's lists answer at these addresses: a group there could never be reached (and the
    page cache would take the programme's list for the group's page)."""
    routes = {str(route.pattern).split("/")[0] for route in ProgrammePage().get_subpage_urls()}
    assert routes - {""} == PROGRAMME_LIST_SLUGS
    for slug in sorted(PROGRAMME_LIST_SLUGS):
        group = WorkingGroupPage(title="Groupe", slug=slug, mission="Une mission.", max_size=12)
        with pytest.raises(ValidationError) as refused:
            programme.add_child(instance=group)
        assert "adresse d'une liste du programme" in refused.value.message_dict["slug"][0]


def test_a_report_unpublished_as_a_plain_page_renders_the_recommendation_that_names_it(
    pages, group_a, group_b, member, as_user
):
    """A bulk action saves a plain ``Page``: it is still a report, named on another group's page."""
    recommendation = recommendation_citing(group_b, 5, pages["report a"])
    client = as_user(member)
    warm(client, recommendation.url)
    Page.objects.get(pk=pages["report a"].pk).unpublish()
    served, html = state(client, recommendation.url)
    assert served == "miss" and "Réunion d&#x27;octobre" not in html


def test_a_new_group_renders_every_page_again(programme, group_a, member, as_user):
    client = as_user(member)
    warm(client, group_a.url)
    make_working_group(programme, title="Un groupe tout neuf", slug="neuf")
    assert state(client, group_a.url)[0] == "miss"
