import os
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from notifications.events import quiet
from sitewide.scale_data import ScaleData, ScaleDataConflict, Sizes, refresh_statistics


class Command(BaseCommand):
    help = (
        "Fill the database to the cooperative's scale (defaults: 35,000 accounts, 20 programmes, 200 groups, "
        "20,000 reports, 5,000 recommendations, 40,000 documents, 1,000 pages in moderation, 10,000 access "
        "requests, 200,000 download log rows), deterministically, then build the search index. Each run is "
        "recorded: the same command again skips what is done, or resumes a run that stopped. For "
        "benchmarks: never on a production database."
    )

    def add_arguments(self, parser):
        defaults = Sizes()
        for name in defaults.__dataclass_fields__:
            parser.add_argument(f"--{name.replace('_', '-')}", type=int, default=getattr(defaults, name))
        parser.add_argument("--seed", type=int, default=2017, help="Same seed, same data.")
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off.")
        parser.add_argument(
            "--skip-index", action="store_true", help="Do not build the search index (a later run builds it)."
        )

    def handle(self, *args, seed, force, skip_index, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like a production database. Use --force for a benchmark database."
            )
        sizes = Sizes(**{name: options[name] for name in Sizes.__dataclass_fields__})
        if sizes.groups < 1 or sizes.programmes < 1 or sizes.members_per_group < 3:
            raise CommandError(
                "At least one programme and one group of three (facilitator, liaison, member) are needed."
            )
        started = time.monotonic()
        self.stdout.write(f"Generating scale data (seed {seed})…")
        password = os.environ.get("DEMO_PASSWORD") or "demo"
        try:
            with quiet():  # generated history: nothing to announce
                ScaleData(sizes, password, seed=seed, out=self.stdout.write).run(build_index=not skip_index)
        except ScaleDataConflict as conflict:
            raise CommandError(str(conflict)) from conflict
        refresh_statistics(vacuum=True)
        self.stdout.write(self.style.SUCCESS(f"Done in {time.monotonic() - started:.0f} s."))
