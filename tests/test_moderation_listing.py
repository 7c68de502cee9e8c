"""The moderation queue: a paginated listing, and dashboard panels that stay short and fast."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Workflow

from workinggroups.choices import MembershipRole
from workinggroups.moderation import DASHBOARD_ROWS, PER_PAGE
from workinggroups.workflow import WORKFLOW_NAME

from .factories import MeetingReportPageFactory, RecommendationPageFactory, UserFactory, add_membership
from .workflow_helpers import draft_report_in_admin

pytestmark = pytest.mark.usefixtures("shared_world")


def pending(group, editor, count, start=0, model=MeetingReportPageFactory, at_board=False):
    """``count`` drafts under ``group`` submitted for moderation (and approved by the facilitator)."""
    workflow = Workflow.objects.get(name=WORKFLOW_NAME)
    pages = []
    for n in range(start, start + count):
        page = model(parent=group, title=f"Brouillon {group.slug} {n:03d}", live=False)
        page.save_revision(user=editor)
        workflow.start(page, editor)
        if at_board:
            page.current_workflow_task_state.approve(user=group.facilitator)
        pages.append(page)
    return pages


def titles(html):
    """The pages listed, one per row (a row also names its page in its actions' accessible name)."""
    return re.findall(r'class="title"[^>]*>\s*(?:<a [^>]*>)?(Brouillon [a-z]+ \d{3})', html)


def queries_for(client, url):
    """The queries of one request of ``url``, and its HTML. The admin's sidebar is kept per person
    (sitewide/frame.py): a first request builds it, so that the count is the screen's own."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_each_reviewer_sees_exactly_their_queue(group_a, group_b, editor, board_member, as_user):
    pending(group_a, editor, 3)
    pending(group_b, editor, 2, at_board=True)

    facilitator_a = as_user(group_a.facilitator).get("/admin/moderation/").content.decode()
    assert sorted(titles(facilitator_a)) == [f"Brouillon ethique {n:03d}" for n in range(3)]
    assert "3 pages attendent votre relecture" in facilitator_a

    # Group B's pages are with the board already: B's facilitator has nothing left to do.
    facilitator_b = as_user(group_b.facilitator).get("/admin/moderation/").content.decode()
    assert titles(facilitator_b) == [] and "Rien à relire" in facilitator_b

    board = as_user(board_member).get("/admin/moderation/").content.decode()
    assert sorted(titles(board)) == ["Brouillon finances 000", "Brouillon finances 001"]
    assert "Les outils financiers" in board  # the group column


def test_a_facilitator_of_two_groups_reviews_both_and_a_member_of_one_reviews_neither(
    group_a, group_b, editor, as_user
):
    """The facilitator's step is matched on the groups' tree paths, one condition a group."""
    pending(group_a, editor, 2)
    pending(group_b, editor, 1)
    both = group_a.facilitator
    add_membership(group_b, both, MembershipRole.FACILITATOR, "staff")
    add_membership(group_a, group_b.facilitator, MembershipRole.MEMBER, "user")
    html = as_user(both).get("/admin/moderation/").content.decode()
    expected = ["Brouillon ethique 000", "Brouillon ethique 001", "Brouillon finances 000"]
    assert sorted(titles(html)) == expected
    html = as_user(group_b.facilitator).get("/admin/moderation/").content.decode()
    assert titles(html) == ["Brouillon finances 000"]


def test_people_without_a_queue_see_nothing_and_no_menu(group_a, editor, member, as_user):
    pending(group_a, editor, 2)
    editor_client = as_user(editor)
    response = editor_client.get("/admin/moderation/")
    assert response.status_code == 200 and titles(response.content.decode()) == []
    assert "/admin/moderation/" not in editor_client.get("/admin/").content.decode()  # no menu item
    assert "/admin/moderation/" in as_user(group_a.facilitator).get("/admin/").content.decode()
    # A member who is not in the admin is sent to the login page, as for the rest of the admin.
    assert as_user(member).get("/admin/moderation/").status_code == 302


def test_oldest_first_paginated_with_the_same_queries_on_every_page(group_a, editor, as_user):
    pending(group_a, editor, PER_PAGE + 10)
    client = as_user(group_a.facilitator)
    count_1, first = queries_for(client, "/admin/moderation/")
    count_2, second = queries_for(client, "/admin/moderation/?p=2")
    assert titles(first) == [f"Brouillon ethique {n:03d}" for n in range(PER_PAGE)]  # the oldest first
    assert titles(second) == [f"Brouillon ethique {n:03d}" for n in range(PER_PAGE, PER_PAGE + 10)]
    assert count_1 == count_2
    newest = client.get("/admin/moderation/?order=recent").content.decode()
    assert titles(newest)[0] == f"Brouillon ethique {PER_PAGE + 9:03d}"


def test_filters_by_group_and_type(group_a, group_b, editor, board_member, as_user):
    pending(group_a, editor, 2, at_board=True)
    pending(group_b, editor, 1, at_board=True)
    pending(group_b, editor, 1, start=5, model=RecommendationPageFactory, at_board=True)
    client = as_user(board_member)
    by_group = client.get(f"/admin/moderation/?group={group_b.pk}").content.decode()
    assert sorted(titles(by_group)) == ["Brouillon finances 000", "Brouillon finances 005"]
    by_type = client.get(f"/admin/moderation/?group={group_b.pk}&type=recommendation").content.decode()
    assert titles(by_type) == ["Brouillon finances 005"]
    # The group filter offers the groups that have something waiting, and keeps the filters in page links.
    assert f'value="{group_a.pk}"' in by_group and f'value="{group_b.pk}" selected' in by_group
    # A group id that is not in the queue is ignored rather than an error.
    assert client.get("/admin/moderation/?group=999999&type=nonsense&p=abc").status_code == 200


def test_the_query_count_does_not_grow_with_the_queue(group_a, editor, as_user):
    client = as_user(group_a.facilitator)
    pending(group_a, editor, 3)
    client.get("/admin/moderation/")
    small, _ = queries_for(client, "/admin/moderation/")
    pending(group_a, editor, 40, start=3)
    large, _ = queries_for(client, "/admin/moderation/")
    assert small == large, f"{small} queries with 3 pages waiting, {large} with 43"


def test_the_dashboard_shows_the_latest_few_with_the_total_and_a_link(group_a, editor, as_user):
    client = as_user(group_a.facilitator)
    pending(group_a, editor, DASHBOARD_ROWS + 2)
    client.get("/admin/")
    few, _ = queries_for(client, "/admin/")
    pending(group_a, editor, 30, start=DASHBOARD_ROWS + 2)
    many, dashboard = queries_for(client, "/admin/")
    shown = titles(dashboard)
    assert len(shown) == DASHBOARD_ROWS and shown[0] == f"Brouillon ethique {DASHBOARD_ROWS + 31:03d}"
    assert f"Les {DASHBOARD_ROWS} plus récentes des {DASHBOARD_ROWS + 32} pages à relire" in dashboard
    assert 'href="/admin/moderation/"' in dashboard
    assert few == many, (
        f"{few} queries with {DASHBOARD_ROWS + 2} pages waiting, {many} with {DASHBOARD_ROWS + 32}"
    )


def test_the_editors_panel_is_short_too(group_a, editor, as_user):
    pending(group_a, editor, DASHBOARD_ROWS + 3)
    dashboard = as_user(editor).get("/admin/").content.decode()
    assert len(titles(dashboard)) == DASHBOARD_ROWS
    assert "Et 3 autres pages en cours de relecture" in dashboard


@pytest.mark.parametrize("who", ["facilitator of B", "member of A"])
def test_the_listing_never_shows_someone_elses_queue(group_a, group_b, editor, as_user, who):
    pending(group_a, editor, 2)
    user = group_b.facilitator if who == "facilitator of B" else group_a.people[0]
    html = as_user(user).get("/admin/moderation/").content.decode()
    assert titles(html) == []
    assert "Le comité éthique" not in html  # not even in the group filter


def test_dashboard_rows_say_which_group_which_step_who_and_when(group_a, group_b, editor, as_user):
    """Titles repeat from one group to the next: every row of both panels names its group."""
    for group in (group_a, group_b):
        draft_report_in_admin(as_user(editor), group, title="Réunion de suivi – avril 2018")
    superuser = UserFactory(username="admin-tableau", is_superuser=True, is_staff=True)
    dashboard = as_user(superuser).get("/admin/").content.decode()
    panel = dashboard[dashboard.index('id="awaiting-review-section"') :]
    for text in (group_a.title, group_b.title, "Relecture par l&#x27;animation du groupe", "Soumise par"):
        assert text in panel, text
    assert editor.get_full_name() in panel
    mine = as_user(editor).get("/admin/").content.decode()
    mine = mine[mine.index('id="objects-in-workflow-section"') :]
    assert group_a.title in mine and group_b.title in mine
    assert "En attente : Relecture par l&#x27;animation du groupe" in mine


def rows(html):
    """The listing's rows, each as the text of its cells (tags dropped, spaces collapsed)."""
    table = html[html.index('class="listing moderation-rows"') :]
    body = table[table.index("<tbody>") : table.index("</tbody>")]
    cells = [
        re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]
    return [[" ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split()) for cell in row] for row in cells]


def test_a_row_says_what_the_page_is_where_it_stands_and_links_to_each_action(group_a, editor, as_user):
    """Each row: the page, its type, its group, the step, who submitted it, and its three actions
    (the comparison only for a page already published)."""
    (new,) = pending(group_a, editor, 1)
    published = MeetingReportPageFactory(parent=group_a, title="Brouillon ethique 001", live=True)
    published.title = "Brouillon ethique 001"
    published.save_revision(user=editor)
    Workflow.objects.get(name=WORKFLOW_NAME).start(published, editor)
    html = as_user(group_a.facilitator).get("/admin/moderation/").content.decode()

    first, second = rows(html)
    assert first[:5] == [
        "Brouillon ethique 000",
        "Compte rendu de réunion",
        group_a.title,
        "Relecture par l'animation du groupe",
        editor.get_full_name(),
    ]
    assert second[0] == "Brouillon ethique 001"
    state = new.current_workflow_task_state
    assert f'href="/admin/pages/{new.pk}/edit/"' in html
    assert f'href="/admin/pages/workflow/preview/{new.pk}/{state.task_id}/"' in html
    # Only the published page can be compared with its published version.
    assert f"/admin/pages/{new.pk}/revisions/compare/" not in html
    latest = published.get_latest_revision()
    assert f'href="/admin/pages/{published.pk}/revisions/compare/live...{latest.pk}/"' in html


def test_the_boards_listing_costs_the_same_queries_however_long_its_queue_and_however_many_groups(
    group_a, group_b, editor, board_member, as_user
):
    """The board's queue spans the groups: the group filter and the group of each row are read for
    the whole page at once (the full-size queue holds 500 pages from 200 groups)."""
    client = as_user(board_member)
    pending(group_a, editor, 2, at_board=True)
    client.get("/admin/moderation/")
    small, html = queries_for(client, "/admin/moderation/")
    assert f'value="{group_a.pk}"' in html and f'value="{group_b.pk}"' not in html
    pending(group_b, editor, PER_PAGE + 5, at_board=True)
    large, html = queries_for(client, "/admin/moderation/")
    assert f'value="{group_a.pk}"' in html and f'value="{group_b.pk}"' in html
    second, page_2 = queries_for(client, "/admin/moderation/?p=2")
    filtered, by_group = queries_for(client, f"/admin/moderation/?group={group_b.pk}&order=recent")
    assert len(titles(html)) == PER_PAGE and len(titles(page_2)) == 7
    assert titles(by_group)[0] == f"Brouillon finances {PER_PAGE + 4:03d}"
    assert small == large == second, f"{small} queries with 2 pages waiting, {large} with {PER_PAGE + 7}"
    assert filtered <= large + 1  # the filter's group is one more condition, not a query per row


def test_the_boards_dashboard_costs_the_same_queries_for_one_row_or_a_full_panel(
    group_b, editor, board_member, as_user
):
    """The board's rows ask each page for its permissions, which look at the page's current task:
    given once, not fetched again per row (they were, one query a row, for the board's step)."""
    client = as_user(board_member)
    pending(group_b, editor, 1, at_board=True)
    client.get("/admin/")
    one, _ = queries_for(client, "/admin/")
    pending(group_b, editor, DASHBOARD_ROWS + 1, start=1, at_board=True)
    full, dashboard = queries_for(client, "/admin/")
    panel = dashboard[dashboard.index('id="awaiting-review-section"') :]
    assert len(titles(panel)) == DASHBOARD_ROWS
    assert "Approuver" in panel and "Demander des modifications" in panel  # the board's own actions
    assert group_b.title in panel
    assert one == full, f"{one} queries with one row, {full} with {DASHBOARD_ROWS}"


def test_the_editors_panel_costs_the_same_queries_for_one_page_or_many(group_a, editor, as_user):
    client = as_user(editor)
    pending(group_a, editor, 1)
    client.get("/admin/")
    one, _ = queries_for(client, "/admin/")
    pending(group_a, editor, DASHBOARD_ROWS + 9, start=1)
    many, dashboard = queries_for(client, "/admin/")
    assert "Et 10 autres pages en cours de relecture" in dashboard
    assert one == many, f"{one} queries with one page in review, {many} with {DASHBOARD_ROWS + 10}"


def test_the_dashboard_prints_no_site_counts(group_a, editor, as_user):
    """Wagtail's summary (so many pages, images, documents) is work on every visit for numbers
    nobody acts on: it is left out, the menus are still there."""
    pending(group_a, editor, 1)
    dashboard = as_user(editor).get("/admin/").content.decode()
    assert "w-summary" not in dashboard
    assert 'id="objects-in-workflow-section"' in dashboard
    assert "/admin/pages/" in dashboard  # the Pages menu, in the sidebar's data
