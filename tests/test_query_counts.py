"""The member pages cost the same number of queries with 5 or 20 children (reports, recommendations,
meetings: no query per row)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from .factories import MeetingReportPageFactory, RecommendationPageFactory, UserFactory

pytestmark = pytest.mark.usefixtures("shared_world")

PAGES = {
    "group page": lambda p, g: g.url,
    "tracker": lambda p, g: p.url + p.reverse_subpage("tracker"),
    "tracker by tag": lambda p, g: p.url + p.reverse_subpage("tracker") + "?tag=commun",
    "reports listing": lambda p, g: p.url + p.reverse_subpage("reports"),
    "programme page": lambda p, g: p.url,
    "home page": lambda p, g: "/",
}


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def fill(group, start, count):
    from meetings.models import Meeting

    now = timezone.now()
    for n in range(start, start + count):
        for days in (n + 1, -n - 1):  # one meeting to come, one past
            when = now + datetime.timedelta(days=days)
            Meeting.objects.create(
                group=group,
                title=f"Réunion {n}",
                start=when,
                end=when + datetime.timedelta(hours=2),
                place="Ici",
            )
        report = MeetingReportPageFactory(parent=group)
        report.tags.add(f"theme-{n % 3}")
        report.attendees.set(group.people)
        report.save()
        reco = RecommendationPageFactory(parent=group, number=n + 1)
        reco.tags.add(f"theme-{n % 4}", "commun")
        reco.save()


@pytest.fixture(scope="module")
def counts(shared_world, django_db_blocker):
    """Each page's query count with 5, then 20 reports and recommendations in the group: measured
    once for the module (building the pages is the slow part), asserted page by page below."""
    from .conftest import _group, client_for

    with django_db_blocker.unblock(), override_settings(PAGE_CACHE_SECONDS=0):
        # The rendering itself, not the page cache (tests/test_page_cache.py).
        group = _group(shared_world["group_a"])
        programme = group.get_parent().specific
        client = client_for(UserFactory(username="membre"))
        urls = {name: url_for(programme, group) for name, url_for in PAGES.items()}
        fill(group, 0, 5)
        for url in urls.values():
            client.get(url)  # warm per-process caches (site root paths, content types)
        with_5 = {name: queries_for(client, url) for name, url in urls.items()}
        fill(group, 5, 15)
        with_20 = {name: queries_for(client, url) for name, url in urls.items()}
    return with_5, with_20


@pytest.mark.parametrize("member_page", PAGES)
def test_query_count_does_not_grow_with_children(counts, member_page):
    with_5, with_20 = counts[0][member_page], counts[1][member_page]
    assert with_20 == with_5, f"{with_5} queries with 5 children, {with_20} with 20"
    assert with_5 <= 29  # the group page: its reports, recommendations, minutes and meetings
