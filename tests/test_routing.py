"""Routing by URL path (home/routing.py): the page Wagtail's level-by-level walk finds, in fewer queries."""

import pytest
from django.db import connection
from django.http import Http404
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from tests.factories import MeetingReportPageFactory, RecommendationPageFactory, WorkingGroupPageFactory
from workinggroups.models import WorkingGroupPage

pytestmark = pytest.mark.django_db


def result(route):
    """A route's result, comparable across instances: a routable view by its name."""
    page, args, kwargs = route
    if args and callable(args[0]):  # RoutablePageMixin: (view, its args, its kwargs)
        args = (args[0].__name__, *args[1:])
    return type(page), page.pk, tuple(args), kwargs


def walk(home, components):
    """Wagtail's own routing, level by level, from the home page: what the result must equal."""
    try:
        return result(Page.route(home, RequestFactory().get("/"), components))
    except Http404:
        return None


def by_url_path(home, components):
    try:
        return result(home.route(RequestFactory().get("/"), components))
    except Http404:
        return None


@pytest.fixture
def tree(home, programme, group_a, group_b):
    report = MeetingReportPageFactory(parent=group_a, title="Réunion de janvier", slug="janvier")
    draft = MeetingReportPageFactory(parent=group_a, title="Brouillon", slug="brouillon", live=False)
    recommendation = RecommendationPageFactory(parent=group_b, title="Une charte", slug="charte")
    # A group taken offline: Wagtail still routes to its live pages (their own rules decide who reads them).
    offline = WorkingGroupPageFactory(parent=programme, title="Groupe en pause", slug="pause", live=False)
    below_offline = MeetingReportPageFactory(parent=offline, title="Avant la pause", slug="avant")
    return {
        "report": report,
        "draft": draft,
        "recommendation": recommendation,
        "offline": offline,
        "below offline": below_offline,
    }


def paths(home, programme, group_a):
    """Every page's own path, the programme's routed lists, and paths that must not be found."""
    own = [
        page.url_path[len(home.url_path) :].strip("/").split("/")
        for page in Page.objects.descendant_of(home).order_by("path")
    ]
    prog, group = programme.slug, group_a.slug
    return own + [
        [prog, "recommandations"],
        [prog, "comptes-rendus"],
        [prog, "recommandations", "pas-une-route"],
        [prog, "inconnu"],
        [prog, group, "inconnu"],
        [prog, group, "janvier", "plus-bas"],
        [prog, "inconnu", "janvier"],
        ["inconnu"],
        ["inconnu", group, "janvier"],
        [group, "janvier"],
    ]


def test_every_path_gives_what_wagtails_walk_gives(home, programme, group_a, tree):
    checked = paths(home, programme, group_a)
    for components in checked:
        assert by_url_path(home, components) == walk(home, components), components
    # The comparison is not empty on either side: pages found, lists routed, 404s.
    results = [walk(home, components) for components in checked]
    assert sum(result is None for result in results) >= 8
    assert {result[0].__name__ for result in results if result} >= {
        "ProgrammePage",
        "WorkingGroupPage",
        "MeetingReportPage",
        "RecommendationPage",
    }


def test_a_draft_is_not_found_and_a_live_page_below_an_offline_group_is(home, programme, tree):
    draft = tree["draft"]
    assert by_url_path(home, [programme.slug, draft.get_parent().slug, draft.slug]) is None
    below = tree["below offline"]
    assert by_url_path(home, [programme.slug, "pause", below.slug])[1] == below.pk


def test_the_programmes_lists_answer_at_their_own_addresses(home, programme, tree):
    found = by_url_path(home, [programme.slug, "recommandations"])
    assert found is not None and found[1] == programme.pk and found[2][0] == "tracker"
    assert found == walk(home, [programme.slug, "recommandations"])


def test_a_list_wins_over_a_group_that_took_its_slug_before_the_rule_as_in_wagtails_walk(home, programme):
    # Groups can no longer take a list's slug (WorkingGroupPage.clean); one saved before the rule could.
    group = WorkingGroupPageFactory(parent=programme, title="Ancien groupe", slug="ancien")
    report = MeetingReportPageFactory(parent=group, title="Réunion", slug="reunion")
    WorkingGroupPage.objects.filter(pk=group.pk).update(
        slug="comptes-rendus", url_path=f"{programme.url_path}comptes-rendus/"
    )
    Page.objects.filter(pk=report.pk).update(url_path=f"{programme.url_path}comptes-rendus/reunion/")
    the_list = by_url_path(home, [programme.slug, "comptes-rendus"])
    assert the_list[0].__name__ == "ProgrammePage" and the_list == walk(
        home, [programme.slug, "comptes-rendus"]
    )
    below = by_url_path(home, [programme.slug, "comptes-rendus", "reunion"])
    assert below[1] == report.pk and below == walk(home, [programme.slug, "comptes-rendus", "reunion"])


def test_a_report_three_levels_below_the_home_page_is_routed_in_two_queries(home, programme, group_a, tree):
    report = tree["report"]
    components = [programme.slug, group_a.slug, report.slug]
    with CaptureQueriesContext(connection) as ours:
        page, _args, _kwargs = home.route(RequestFactory().get("/"), components)
        parent = page.get_parent()
    with CaptureQueriesContext(connection) as wagtails:
        Page.route(home, RequestFactory().get("/"), components)
    assert page.pk == report.pk and parent.pk == group_a.pk
    assert len(ours) == 2  # the pages on the way, then the report's own row
    assert len(wagtails) == 6


def test_a_page_served_over_http_by_its_address(home, programme, group_a, tree, as_user, member):
    client = as_user(member)
    response = client.get(tree["report"].url)
    assert response.status_code == 200
    assert "Réunion de janvier" in response.content.decode()
    assert client.get(tree["report"].url + "plus-bas/").status_code == 404


def test_a_url_path_left_stale_is_not_trusted(home, programme, group_a, tree):
    # A change made without Wagtail (a raw update of the slug) leaves the report's url_path behind: the
    # old address must not serve it, and the new one must, as in Wagtail's walk.
    report = tree["report"]
    Page.objects.filter(pk=report.pk).update(slug="renomme")
    old, new = [programme.slug, group_a.slug, "janvier"], [programme.slug, group_a.slug, "renomme"]
    assert by_url_path(home, old) is None and walk(home, old) is None
    assert by_url_path(home, new) == walk(home, new) and by_url_path(home, new)[1] == report.pk


def test_a_path_of_many_parts_is_a_404_without_a_query_per_part(home, programme):
    components = [programme.slug] + ["a"] * 500
    with CaptureQueriesContext(connection) as queries:
        assert by_url_path(home, components) is None
    assert len(queries) <= 3


def test_the_breadcrumbs_are_the_ancestors_the_routing_fetched(home, programme, tree):
    from workinggroups.tree import ancestors_on_the_way

    for page in Page.objects.descendant_of(home, inclusive=True).specific():
        expected = [ancestor.pk for ancestor in page.get_ancestors().filter(depth__gt=1)]
        components = page.url_path[len(home.url_path) :].strip("/").split("/") if page.pk != home.pk else []
        if components and page.live:
            routed = home.route(RequestFactory().get("/"), components)[0]
            with CaptureQueriesContext(connection) as queries:
                assert [ancestor.pk for ancestor in ancestors_on_the_way(routed)] == expected, page.title
            assert len(queries) == 0  # the pages the routing fetched on the way
        # A page not reached by routing (a preview, a page loaded by id): read from the tree.
        fresh = Page.objects.get(pk=page.pk)
        assert [ancestor.pk for ancestor in ancestors_on_the_way(fresh)] == expected, page.title


def test_a_report_pages_breadcrumbs_name_its_programme_and_group(
    home, programme, group_a, tree, member, as_user
):
    import re

    html = as_user(member).get(tree["report"].url).content.decode()
    crumbs = html.split('class="breadcrumbs')[1].split("</nav>")[0]
    links = [
        (href, re.sub(r"<[^>]+>", "", text))
        for href, text in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', crumbs)
    ]
    assert links == [
        ("/", "Accueil"),
        (programme.url, programme.title),
        (group_a.url, group_a.title),
        (tree["report"].url, "Réunion de janvier"),
    ]


def test_the_breadcrumbs_of_something_that_is_not_a_page_are_empty():
    from sitewide.templatetags.intranet_tags import breadcrumb_ancestors

    assert breadcrumb_ancestors(object()) == [] and breadcrumb_ancestors(Page()) == []


def test_a_routed_pages_group_and_programme_come_from_the_way_down(home, programme, group_a, group_b, tree):
    from workinggroups.tree import ancestor_of_type

    components = tree["report"].url_path[len(home.url_path) :].strip("/").split("/")
    routed = home.route(RequestFactory().get("/"), components)[0]
    request = RequestFactory().get("/")
    Site.find_for_request(request)  # the site is the request's (sitewide/frame.py keeps it)
    Site.get_site_root_paths()  # kept in the cache, as on every request after the first
    with CaptureQueriesContext(connection) as queries:
        group = ancestor_of_type(routed, "workinggroups.WorkingGroupPage")
        found = ancestor_of_type(routed, "workinggroups.ProgrammePage", deferred=True)
        html = Template(
            "{% load wagtailroutablepage_tags %}{% routablepageurl programme 'tracker' %}"
        ).render(Context({"programme": found, "request": request}))
    assert len(queries) == 1  # the group's own row; the programme's URL needs none of its own fields
    assert isinstance(group, WorkingGroupPage) and group.pk == group_a.pk and group.mission == group_a.mission
    assert found.pk == programme.pk and found.title == programme.title
    assert html == f"{programme.url}recommandations/" and "start_date" in found.get_deferred_fields()

    # A parent kept on the page that is not its parent in the tree (kept before a move): read from the tree.
    stale = type(routed).objects.get(pk=routed.pk)
    other, above = Page.objects.get(pk=group_b.pk), Page.objects.get(pk=programme.pk)
    stale._cached_parent_obj, other._cached_parent_obj, above._cached_parent_obj = other, above, home
    assert ancestor_of_type(stale, "workinggroups.WorkingGroupPage").pk == group_a.pk
