from django.db import models
from django.utils import timezone


class ScaleDataRun(models.Model):
    """One run of ``manage.py generate_scale_data`` on this database, and how far it got.

    Each stage of the generator commits its rows and its name in ``completed_stages`` together,
    so the record says exactly what the database holds: a second run with the same seed and
    sizes skips the stages done, a run that stopped half-way resumes at the stage that failed.
    Not shown anywhere: a benchmark database's bookkeeping.
    """

    seed = models.IntegerField()
    sizes = models.JSONField()
    started_at = models.DateTimeField(default=timezone.now)
    #: When every data stage was done; empty while a stage is left to do.
    finished_at = models.DateTimeField(null=True, blank=True)
    completed_stages = models.JSONField(default=list)

    def __str__(self):
        return f"seed {self.seed}, started {self.started_at:%Y-%m-%d %H:%M}"


class ContentGeneration(models.Model):
    """The page cache's content generation on SQLite, one row (sitewide/generation.py).

    On PostgreSQL the generation is a sequence, which needs no row lock; this table stays empty.
    """

    value = models.BigIntegerField()

    def __str__(self):
        return str(self.value)


class ScopeGeneration(models.Model):
    """The page cache's value for one programme's or working group's pages (sitewide/scopes.py): the
    largest ``value`` of its rows.

    Each change that stays within those pages (a report published, a decision taken, a meeting
    planned) adds a row, in its transaction and again once committed, so that the pages of the other
    groups stay cached. Rows are added, never updated: two publications in the same programme never
    wait for each other's row lock. Older rows are deleted after each commit. Not a foreign key: a row
    is never in the way of deleting its page, and a deleted page's rows are simply never read.
    """

    page_id = models.BigIntegerField()
    value = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["page_id", "-value"], name="scope_generation_latest")]

    def __str__(self):
        return f"{self.page_id}: {self.value}"
