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
