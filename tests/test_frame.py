"""The frame kept per process (sitewide/frame.py): the site, its root page and the main menu are read once
per shared generation, and never shown stale or to someone with other rights."""

import json
import re
import time
from pathlib import Path

import pytest
import wagtail.admin
from django.conf import settings
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from wagtail.admin.templatetags.wagtailadmin_tags import sidebar_props
from wagtail.models import PageViewRestriction, Site
from wagtail.users.models import UserProfile

from sitewide import frame
from sitewide.frame import KEPT_SECONDS, keep_site, menu
from workinggroups.roles import board_group

from .factories import MeetingReportPageFactory, ProgrammePageFactory


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
    first = menu_of(client)
    with CaptureQueriesContext(connection) as second:
        assert menu_of(client) == first  # the same menu, read from what was kept
    assert ("/ouvert/", "Programme ouvert") in first
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

    restriction.delete()
    assert ("/conseil-prog/", "Programme du conseil") in menu_of(member_client)


def test_with_the_page_cache_on_a_miss_gets_the_menu_of_its_reader(
    sections, member, board_member, as_user, settings
):
    settings.PAGE_CACHE_SECONDS = 600
    _open, board_only = sections
    restriction = PageViewRestriction.objects.create(
        page=board_only, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([board_group()])
    board_client, member_client = as_user(board_member), as_user(member)
    assert "Programme du conseil" in [title for _url, title in menu_of(board_client, "/ouvert/")]
    response = member_client.get("/ouvert/")
    assert response["X-Page-Cache"] == "miss"
    assert "Programme du conseil" not in response.content.decode()


def test_a_page_other_than_the_cached_views_reads_the_menu_wagtails_way(sections, member, as_user):
    client = as_user(member)
    client.get("/")  # keeps the frame for this generation
    with CaptureQueriesContext(connection) as read:
        assert ("/ouvert/", "Programme ouvert") in menu_of(client, "/mon-compte/")
    assert any("wagtailcore_site" in query["sql"] for query in read.captured_queries)


def test_a_site_rooted_inside_a_working_group_is_never_kept(group_a, member, as_user, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "groupe.example.coop"]
    # A site whose root is a group page: its menu would be the group's reports, whose changes raise only
    # the group's scope. Such a site is read Wagtail's way on every request.
    report = MeetingReportPageFactory(parent=group_a, title="Réunion de janvier", show_in_menus=True)
    Site.objects.create(hostname="groupe.example.coop", port=80, root_page=group_a)
    client = as_user(member)
    client.defaults["HTTP_HOST"] = "groupe.example.coop"
    assert "Réunion de janvier" in [title for _url, title in menu_of(client)]
    report.title = "Réunion de février"
    report.save_revision().publish()
    titles = [title for _url, title in menu_of(client)]
    assert "Réunion de février" in titles and "Réunion de janvier" not in titles


def test_the_menu_follows_a_new_section_a_new_title_and_one_taken_out(sections, home, member, as_user):
    client = as_user(member)
    opened, _board_only = sections
    titles = [title for _url, title in menu_of(client)]
    assert "Programme ouvert" in titles and "Programme du conseil" in titles

    ProgrammePageFactory(parent=home, title="Programme nouveau", slug="nouveau", show_in_menus=True)
    assert "Programme nouveau" in [title for _url, title in menu_of(client)]

    opened.unpublish()
    assert "Programme ouvert" not in [title for _url, title in menu_of(client)]
    opened.save_revision().publish()
    assert "Programme ouvert" in [title for _url, title in menu_of(client)]

    opened.title = "Programme renommé"
    opened.save_revision().publish()
    titles = [title for _url, title in menu_of(client)]
    assert "Programme renommé" in titles and "Programme ouvert" not in titles

    opened.show_in_menus = False
    opened.save_revision().publish()
    assert "Programme renommé" not in [title for _url, title in menu_of(client)]


def test_each_request_gets_its_own_copy_of_the_site_and_root(home, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    first, second = RequestFactory().get("/"), RequestFactory().get("/")
    site_one, site_two = keep_site(first, generation=1), keep_site(second, generation=1)
    assert site_one.pk == site_two.pk and site_one.root_page.pk == site_two.root_page.pk == home.pk
    assert site_one is not site_two and site_one.root_page is not site_two.root_page
    site_one.root_page.title = "Changé par une requête"
    assert site_two.root_page.title == home.title
    assert keep_site(RequestFactory().get("/"), generation=1).root_page.title == home.title


def test_each_request_gets_its_own_copy_of_the_menu(sections, member):
    requests = []
    for _ in range(2):
        request = RequestFactory().get("/")
        request.user = member
        keep_site(request, generation=1)
        requests.append(request)
    (_root, first), (_root2, second) = menu(requests[0]), menu(requests[1])
    assert [page.pk for page in first] == [page.pk for page in second] and first
    first[0].title = "Changé par une requête"
    assert second[0].title != "Changé par une requête"
    assert menu(requests[1])[1][0].title != "Changé par une requête"


def test_a_request_of_an_older_generation_keeps_nothing(home, member):
    newer, older = RequestFactory().get("/"), RequestFactory().get("/")
    keep_site(newer, generation=5)
    keep_site(older, generation=4)
    assert getattr(older, "_intranet_frame", None) is None  # its menu is read, not kept
    assert newer._intranet_frame.generation == 5


def test_what_is_kept_is_read_again_after_a_while(home, monkeypatch):
    request = RequestFactory().get("/")
    keep_site(request, generation=1)
    kept = request._intranet_frame
    later = time.monotonic() + KEPT_SECONDS + 1
    monkeypatch.setattr(time, "monotonic", lambda: later)
    again = RequestFactory().get("/")
    keep_site(again, generation=1)
    assert again._intranet_frame is not kept


# The admin's sidebar


def sidebar_of(client, url="/admin/"):
    response = client.get(url)
    assert response.status_code == 200
    found = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(found.group(1))


def wagtails_sidebar(user, language="fr"):
    """The sidebar as Wagtail's own tag builds it, for ``user`` now."""
    request = RequestFactory().get("/admin/")
    request.user = type(user).objects.get(pk=user.pk)
    with translation.override(language):
        props = str(sidebar_props({"request": request}))
    return json.loads(re.search(r"<script[^>]*>(.*?)</script>", props, re.S).group(1))


def menu_names(sidebar):
    main = next(module for module in sidebar["modules"] if module["_type"].endswith("MainMenuModule"))
    return [item["_args"][0]["name"] for item in main["_args"][0]]


def test_wagtails_admin_base_template_is_copied_with_only_its_sidebar_tag_changed():
    ours = (Path(settings.BASE_DIR) / "templates" / "wagtailadmin" / "base.html").read_text()
    wagtails = (Path(wagtail.admin.__file__).parent / "templates" / "wagtailadmin" / "base.html").read_text()
    lines = [line for line in ours.splitlines() if not line.startswith("{# ")]  # our note on line 3
    expected = wagtails.replace(
        "{% load wagtailadmin_tags wagtailcore_tags i18n %}",
        "{% load wagtailadmin_tags wagtailcore_tags i18n intranet_tags %}",
    ).replace("{% sidebar_props %}", "{% kept_sidebar_props %}")
    assert "{% kept_sidebar_props %}" in ours
    assert "\n".join(lines) == expected.rstrip("\n"), (
        "Wagtail's wagtailadmin/base.html changed: copy it again into templates/wagtailadmin/base.html, "
        "with its sidebar_props tag replaced by kept_sidebar_props"
    )


def test_the_admin_sidebar_is_wagtails_and_built_once_per_person(board_member, as_user, monkeypatch):
    built = []
    monkeypatch.setattr(frame, "sidebar_props", lambda context: built.append(1) or sidebar_props(context))
    client = as_user(board_member)
    first = sidebar_of(client)
    assert first == wagtails_sidebar(board_member)
    assert "pages-a-relire" in menu_names(first)
    assert sidebar_of(client, "/admin/moderation/") == first  # another screen, the same sidebar
    assert len(built) == 1


def test_the_admin_sidebar_follows_a_change_of_rights_at_once(editor, board_member, as_user):
    editor_client, board_client = as_user(editor), as_user(board_member)
    assert "decisions-du-conseil" not in menu_names(sidebar_of(editor_client))
    assert "decisions-du-conseil" in menu_names(sidebar_of(board_client))  # kept per person

    editor.groups.add(board_group())
    assert "decisions-du-conseil" in menu_names(sidebar_of(editor_client))
    assert sidebar_of(editor_client) == wagtails_sidebar(editor)

    editor.groups.remove(board_group())
    assert "decisions-du-conseil" not in menu_names(sidebar_of(editor_client))
    assert sidebar_of(editor_client) == wagtails_sidebar(editor)


def test_the_admin_sidebar_shows_the_persons_name_and_language(board_member, as_user):
    client = as_user(board_member)
    sidebar_of(client)
    # Renamed without Wagtail's signals (no generation raised): the name, in the key, is enough.
    type(board_member).objects.filter(pk=board_member.pk).update(first_name="Hélène")
    assert "Hélène" in json.dumps(sidebar_of(client), ensure_ascii=False)

    profile = UserProfile.get_for_user(board_member)
    profile.preferred_language = "nl"
    profile.save()  # a profile raises no generation: the language is in the key
    dutch = sidebar_of(client)
    assert dutch == wagtails_sidebar(board_member, "nl") != wagtails_sidebar(board_member, "fr")


def test_a_help_item_dismissed_is_shown_dismissed_at_once(board_member, as_user):
    client = as_user(board_member)
    assert "data-w-dismissible-dismissed-value" not in json.dumps(sidebar_of(client))
    profile = UserProfile.get_for_user(board_member)
    profile.dismissibles = {**profile.dismissibles, "help": True}
    profile.save()  # the profile raises no generation: what was dismissed is in the key
    dismissed = sidebar_of(client)
    assert "data-w-dismissible-dismissed-value" in json.dumps(dismissed)
    assert dismissed == wagtails_sidebar(board_member)


def test_rights_worked_out_earlier_in_the_request_are_not_kept(editor):
    """A sidebar to keep is built for the person read again after the generation: what this request's
    own person cached before (here, that they are on the board) may be older than the generation."""
    request = RequestFactory().get("/admin/")
    request.user = type(editor).objects.get(pk=editor.pk)
    request.user._intranet_is_board = request.user._reviews_pages = True  # as if read before a change
    with translation.override("fr"):
        frame.sidebar({"request": request})
        again = RequestFactory().get("/admin/")
        again.user = type(editor).objects.get(pk=editor.pk)
        kept = json.loads(
            re.search(r"<script[^>]*>(.*?)</script>", str(frame.sidebar({"request": again}))).group(1)
        )
    assert "decisions-du-conseil" not in menu_names(kept) and "pages-a-relire" not in menu_names(kept)
    assert kept == wagtails_sidebar(editor)
