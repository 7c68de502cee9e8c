"""The group page and the tracker cost the same number of queries with 5 or 50 children."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import MeetingReportPageFactory, RecommendationPageFactory


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def fill(group, start, count):
    for n in range(start, start + count):
        report = MeetingReportPageFactory(parent=group)
        report.tags.add(f"theme-{n % 3}")
        report.attendees.set(group.people)
        report.save()
        reco = RecommendationPageFactory(parent=group, number=n + 1)
        reco.tags.add(f"theme-{n % 4}", "commun")
        reco.save()


@pytest.mark.parametrize(
    "url_for",
    [
        pytest.param(lambda p, g: g.url, id="group page"),
        pytest.param(lambda p, g: p.url + p.reverse_subpage("tracker"), id="tracker"),
        pytest.param(lambda p, g: p.url + p.reverse_subpage("tracker") + "?tag=commun", id="tracker by tag"),
        pytest.param(lambda p, g: p.url + p.reverse_subpage("reports"), id="reports listing"),
        pytest.param(lambda p, g: p.url, id="programme page"),
        pytest.param(lambda p, g: "/", id="home page"),
    ],
)
def test_query_count_does_not_grow_with_children(programme, group_a, member, as_user, url_for, settings):
    settings.PAGE_CACHE_SECONDS = 0  # the rendering itself, not the page cache (tests/test_page_cache.py)
    client = as_user(member)
    url = url_for(programme, group_a)
    fill(group_a, 0, 5)
    client.get(url)  # warm per-process caches (site root paths, content types)
    with_5 = queries_for(client, url)
    fill(group_a, 5, 45)
    with_50 = queries_for(client, url)
    assert with_50 == with_5, f"{with_5} queries with 5 children, {with_50} with 50"
    assert with_5 <= 28
