"""generate_scale_data writes a consistent tree, deterministically, and a second run adds nothing."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from taggit.models import Tag
from wagtail.models import Page, TaskState, WorkflowState

from documents.models import AccessRequest, DownloadLogEntry, LibraryDocument
from meetings.models import Answer, Meeting
from sitewide.models import ScaleDataRun
from sitewide.scale_data import DATA_STAGES, ScaleData
from workinggroups.models import (
    BoardDecision,
    MeetingReportPage,
    RecommendationPage,
    WorkingGroupMembership,
    WorkingGroupPage,
)

from .conftest import rolled_back

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


def generate(**options):
    """Runs the command with the small sizes (or the ones given); returns what it printed."""
    output = StringIO()
    call_command("generate_scale_data", "--force", stdout=output, **{**SMALL, **options})
    return output.getvalue()


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
        "meetings held": Meeting.objects.filter(status="held", report__isnull=False).count(),
        "meetings to come": Meeting.objects.filter(status="planned").count(),
        "titles": tuple(MeetingReportPage.objects.order_by("path").values_list("title", flat=True)[:5]),
    }


@pytest.fixture(scope="class")
def generated(django_db_setup, django_db_blocker):
    """One small generation for the tests that read it, rolled back after the class (as the demo's)."""
    with django_db_blocker.unblock(), rolled_back():
        generate()
        yield


@pytest.mark.xdist_group("one generation")  # one generation for the class: keep it on one worker
@pytest.mark.django_db
@pytest.mark.usefixtures("generated")
class TestOneGeneration:
    def test_sizes_are_met_and_the_tree_is_sound(self):
        counts = snapshot()
        assert counts["reports"] == 40 + 8 and counts["recommendations"] == 12
        assert counts["memberships"] == 4 * 6 and counts["decisions"] == 12
        assert counts["documents"] == 16 and counts["in moderation"] == 8
        assert counts["requests"] == 10 and counts["downloads"] == 30
        # Every report has its held meeting; each group its next four, some of them answered by members.
        assert counts["meetings held"] == 40 + 8 and counts["meetings to come"] == 4 * 4
        answered = Answer.objects.values_list("meeting__group_id", "user_id")
        assert answered and all(
            WorkingGroupMembership.objects.filter(page_id=group, user_id=user).exists()
            for group, user in answered
        )
        for page in Page.objects.all():  # what fixtree checks: paths, depth and child counts agree
            assert len(page.path) == page.depth * Page.steplen
            assert (
                page.numchild == Page.objects.filter(path__startswith=page.path, depth=page.depth + 1).count()
            )
        assert TaskState.objects.filter(status="in_progress").count() == 8

    def test_generated_pages_are_served_and_found(self, client):
        client.login(username="scale-user-00100", password="demo")
        report = MeetingReportPage.objects.live().first()
        assert client.get(report.url).status_code == 200
        assert client.get(report.get_parent().url).status_code == 200
        assert "résultat" in client.get("/search/", {"q": report.title.split()[-1]}).content.decode()

    def test_a_second_run_adds_nothing(self):
        first = snapshot()
        generate()
        assert snapshot() == first


class Rollback(Exception):
    pass


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data():

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


# The run's record: what was done is skipped, a stopped run resumes, another data set is refused


def fingerprint():
    """The snapshot, and enough of every stage's rows to tell two data sets apart (pages by their
    tree path, not their id: PostgreSQL does not give back the ids of a rolled-back transaction)."""
    path_of = {str(pk): path for pk, path in Page.objects.values_list("pk", "path")}
    return {
        **snapshot(),
        "users": tuple(get_user_model().objects.order_by("username").values_list("username", flat=True)),
        "groups": tuple(WorkingGroupPage.objects.order_by("path").values_list("title", flat=True)),
        "reports": tuple(MeetingReportPage.objects.order_by("path").values_list("path", "title", "summary")),
        "decisions": tuple(
            BoardDecision.objects.order_by("pk").values_list(
                "position", "assembly_outcome", "follow_up", "reasoning"
            )
        ),
        "document titles": tuple(LibraryDocument.objects.order_by("pk").values_list("title", flat=True)),
        "moderation": tuple(
            (path_of[object_id], task, status)
            for object_id, task, status in TaskState.objects.order_by("pk").values_list(
                "workflow_state__object_id", "task__name", "status"
            )
        ),
        "requests": tuple(AccessRequest.objects.order_by("pk").values_list("reason", "status")),
    }


@pytest.mark.django_db
def test_a_second_run_skips_every_stage_it_recorded():
    generate(skip_index=True)
    run = ScaleDataRun.objects.get()
    assert run.completed_stages == list(DATA_STAGES) and run.finished_at is not None
    first = fingerprint()
    output = generate(skip_index=True)
    assert fingerprint() == first
    assert all(f"{stage}: done already, skipped" in output for stage in DATA_STAGES)
    assert ScaleDataRun.objects.get().completed_stages == list(DATA_STAGES)
    # The search index, skipped the first time, is built by a later run, and recorded.
    generate()
    assert ScaleDataRun.objects.get().completed_stages == [*DATA_STAGES, "index"]
    assert fingerprint() == first


@pytest.mark.django_db
@pytest.mark.parametrize("change", [{"reports": 80}, {"seed": 1789}])
def test_other_sizes_or_another_seed_are_refused_on_a_database_with_a_run(change):
    generate(skip_index=True)
    first = fingerprint()
    with pytest.raises(CommandError, match="already holds the scale data of seed 2017") as refused:
        generate(skip_index=True, **change)
    name, value = next(iter(change.items()))
    if name != "seed":
        assert f"{name}={SMALL[name]}" in str(refused.value) and f"{name}={value}" in str(refused.value)
    assert "empty database" in str(refused.value)
    assert fingerprint() == first and ScaleDataRun.objects.count() == 1


class Interrupted(Exception):
    pass


@pytest.mark.django_db
def test_an_interrupted_run_resumes_at_the_stage_that_failed_and_writes_the_same_data(monkeypatch):

    try:
        with transaction.atomic():
            generate(skip_index=True)
            in_one_go = fingerprint()
            raise Rollback
    except Rollback:
        pass

    def fail(self):
        Tag.objects.create(name="à moitié écrit", slug="a-moitie")  # rolled back with the stage
        raise Interrupted

    monkeypatch.setattr(ScaleData, "documents", fail)
    output = StringIO()
    with pytest.raises(Interrupted):
        call_command("generate_scale_data", "--force", "--skip-index", stdout=output, **SMALL)
    assert "documents: stopped" in output.getvalue() and "run the same command again" in output.getvalue()
    run = ScaleDataRun.objects.get()
    assert run.completed_stages == ["accounts", "groups", "pages", "decisions"] and run.finished_at is None
    assert MeetingReportPage.objects.count() == SMALL["reports"] and not LibraryDocument.objects.exists()
    assert not Tag.objects.filter(slug="a-moitie").exists()

    monkeypatch.undo()
    resumed = generate(skip_index=True)
    assert "resuming the run" in resumed and "pages: done already, skipped" in resumed
    assert fingerprint() == in_one_go
    run.refresh_from_db()
    assert run.completed_stages == list(DATA_STAGES) and run.finished_at is not None


@pytest.mark.django_db
def test_scale_data_without_a_record_of_its_run_is_refused():
    """A database filled before runs were recorded: adding to it would clash, so it is refused first."""
    get_user_model().objects.create(username="scale-user-00000")
    with pytest.raises(CommandError, match="before runs were recorded: generate into an empty database"):
        generate()
    assert not ScaleDataRun.objects.exists() and get_user_model().objects.count() == 1
