import json

from django.core.management.base import BaseCommand, CommandError

from sitewide.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore an archive made by `manage.py backup` into a new, empty database (and the configured "
        "storages), checking every file against the manifest. Refuses a database that holds content."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")

    def handle(self, *args, archive, **options):
        try:
            manifest, checks = restore_backup(archive)
        except (BackupError, FileNotFoundError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Restored {archive} (made {manifest['created_at']})."))
        self.stdout.write(
            json.dumps({"expected": manifest["counts"], "restored": checks}, ensure_ascii=False)
        )
        if checks["counts"] != manifest["counts"]:
            raise CommandError("The restored counts differ from the archive's manifest.")
