import json

from django.core.management.base import BaseCommand, CommandError

from sitewide.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write one archive with the database (pg_dump on PostgreSQL, a copy on SQLite), every media and "
        "library file, and a manifest of counts and file hashes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir", default="backups", help="Folder for the archive (default: backups/)."
        )

    def handle(self, *args, output_dir, **options):
        try:
            archive, manifest = create_backup(output_dir)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backup written: {archive}"))
        self.stdout.write(
            json.dumps({"counts": manifest["counts"], "files": len(manifest["files"])}, ensure_ascii=False)
        )
