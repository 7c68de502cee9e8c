from django.core.management.base import BaseCommand

from workinggroups.roles import ensure_roles


class Command(BaseCommand):
    help = (
        "Create or repair the intranet's groups and permissions (members, editors, board, one group "
        "per working group). Idempotent; also runs after every migrate."
    )

    def handle(self, *args, **options):
        ensure_roles()
        self.stdout.write(self.style.SUCCESS("Groupes et permissions à jour."))
