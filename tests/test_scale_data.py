"""generate_scale_data writes a consistent tree, deterministically, and a second run adds nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.models import Page, TaskState, WorkflowState

from documents.models import AccessRequest, DownloadLogEntry, LibraryDocument
from workinggroups.models import BoardDecision, MeetingReportPage, RecommendationPage, WorkingGroupMembership

SMALL = {
    "users": 120,
    "programmes": 2,
    "groups": 4,
    "members_per_group": 6,
    "reports": 40,
    "recommendations": 12,
    "documents": 16,
    "pending": 8,
    "requests": 10,
    "downloads": 30,
}


def generate(**sizes):
    call_command("generate_scale_data", "--force", stdout=StringIO(), **{**SMALL, **sizes})


def snapshot():
    return {
        "pages": Page.objects.count(),
        "reports": MeetingReportPage.objects.count(),
        "recommendations": RecommendationPage.objects.count(),
        "memberships": WorkingGroupMembership.objects.count(),
        "decisions": BoardDecision.objects.count(),
        "documents": LibraryDocument.objects.count(),
        "in moderation": WorkflowState.objects.filter(status="in_progress").count(),
        "requests": AccessRequest.objects.count(),
        "downloads": DownloadLogEntry.objects.count(),
        "titles": tuple(MeetingReportPage.objects.order_by("path").values_list("title", flat=True)[:5]),
    }


@pytest.mark.django_db
def test_sizes_are_met_and_the_tree_is_sound():
    generate()
    counts = snapshot()
    assert counts["reports"] == 40 + 8 and counts["recommendations"] == 12
    assert counts["memberships"] == 4 * 6 and counts["decisions"] == 12
    assert counts["documents"] == 16 and counts["in moderation"] == 8
    assert counts["requests"] == 10 and counts["downloads"] == 30
    for page in Page.objects.all():  # what fixtree checks: paths, depth and child counts agree
        assert len(page.path) == page.depth * Page.steplen
        assert page.numchild == Page.objects.filter(path__startswith=page.path, depth=page.depth + 1).count()
    assert TaskState.objects.filter(status="in_progress").count() == 8


@pytest.mark.django_db
def test_generated_pages_are_served_and_found(client):
    generate()
    client.login(username="scale-user-00100", password="demo")
    report = MeetingReportPage.objects.live().first()
    assert client.get(report.url).status_code == 200
    assert client.get(report.get_parent().url).status_code == 200
    assert "résultat" in client.get("/search/", {"q": report.title.split()[-1]}).content.decode()


@pytest.mark.django_db
def test_a_second_run_adds_nothing():
    generate()
    first = snapshot()
    generate()
    assert snapshot() == first


class Rollback(Exception):
    pass


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data():
    from django.db import transaction

    try:
        with transaction.atomic():
            generate()
            first = snapshot()
            raise Rollback
    except Rollback:
        pass
    assert not MeetingReportPage.objects.exists()
    generate()
    assert snapshot() == first
