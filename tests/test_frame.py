"""The frame kept per process (sitewide/frame.py): the site, its root page and the main menu are read once
per shared generation, and never shown stale or to someone with other rights."""

import re

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from sitewide.frame import keep_site
from workinggroups.roles import board_group

from .factories import ProgrammePageFactory


@pytest.fixture(autouse=True)
def rendered(settings):
    settings.PAGE_CACHE_SECONDS = 0  # every request rendered: the frame kept is what they read


def menu_of(client, url="/"):
    response = client.get(url)
    assert response.status_code == 200
    nav = re.search(r'<nav class="site-nav".*?</nav>', response.content.decode(), re.S).group(0)
    return re.findall(r"<a href=\"([^\"]+)\"[^>]*>([^<]+)</a>", nav)


@pytest.fixture
def sections(home):
    one = ProgrammePageFactory(parent=home, title="Programme ouvert", slug="ouvert", show_in_menus=True)
    two = ProgrammePageFactory(
        parent=home, title="Programme du conseil", slug="conseil-prog", show_in_menus=True
    )
    return one, two


def test_a_rendered_page_reads_neither_the_site_nor_the_menu_again(sections, member, as_user):
    client = as_user(member)
    client.get("/")
    with CaptureQueriesContext(connection) as second:
        assert client.get("/").status_code == 200
    tables = " ".join(query["sql"] for query in second.captured_queries)
    assert "wagtailcore_site" not in tables
    # The home page is the root: nothing fetches it again, nor its children for the menu.
    assert not [q for q in second.captured_queries if '"show_in_menus"' in q["sql"].split("WHERE")[-1]]


def test_the_menu_loses_a_section_closed_to_the_reader_at_once(sections, member, board_member, as_user):
    _open, board_only = sections
    member_client, board_client = as_user(member), as_user(board_member)
    assert ("/conseil-prog/", "Programme du conseil") in menu_of(member_client)
    restriction = PageViewRestriction.objects.create(
        page=board_only, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([board_group()])

    assert "Programme du conseil" not in [title for _url, title in menu_of(member_client)]
    assert "Programme ouvert" in [title for _url, title in menu_of(member_client)]
    # The board, kept in the same process, still has it: each set of closed pages has its own menu.
    assert ("/conseil-prog/", "Programme du conseil") in menu_of(board_client)
    assert "Programme du conseil" not in [title for _url, title in menu_of(member_client)]


def test_the_menu_follows_a_new_section_a_new_title_and_one_taken_out(sections, home, member, as_user):
    client = as_user(member)
    opened, _board_only = sections
    titles = [title for _url, title in menu_of(client)]
    assert "Programme ouvert" in titles and "Programme du conseil" in titles

    ProgrammePageFactory(parent=home, title="Programme nouveau", slug="nouveau", show_in_menus=True)
    assert "Programme nouveau" in [title for _url, title in menu_of(client)]

    opened.title = "Programme renommé"
    opened.save_revision().publish()
    titles = [title for _url, title in menu_of(client)]
    assert "Programme renommé" in titles and "Programme ouvert" not in titles

    opened.show_in_menus = False
    opened.save_revision().publish()
    assert "Programme renommé" not in [title for _url, title in menu_of(client)]

    opened.unpublish()
    assert client.get("/ouvert/").status_code == 404


def test_each_request_gets_its_own_copy_of_the_site_and_root(home, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    first, second = RequestFactory().get("/"), RequestFactory().get("/")
    site_one, site_two = keep_site(first, generation=1), keep_site(second, generation=1)
    assert site_one.pk == site_two.pk and site_one.root_page.pk == site_two.root_page.pk == home.pk
    assert site_one is not site_two and site_one.root_page is not site_two.root_page
    site_one.root_page.title = "Changé par une requête"
    assert site_two.root_page.title == home.title
    assert keep_site(RequestFactory().get("/"), generation=1).root_page.title == home.title
