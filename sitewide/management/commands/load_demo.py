import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sitewide.demo.data import DemoDataError, load_data
from sitewide.demo.loader import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo content: the 2017-2018 working-group programme of the seed text, its role "
        "accounts, groups, meetings and 34 recommendations, from the YAML files of sitewide/demo/data/. "
        "Idempotent: a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (the demo accounts share a known password).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like a production database. The demo creates accounts with a "
                "shared, known password. Re-run with --force if you really want it here."
            )
        try:
            data = load_data()  # read and checked before anything is written
        except DemoDataError as error:
            raise CommandError(f"Demo data in sitewide/demo/data/: {error}") from error
        password = os.environ.get("DEMO_PASSWORD") or "demo"
        result = load_demo(password=password, data=data)
        if result.created:
            created = ", ".join(f"{count} {what}" for what, count in sorted(result.created.items()))
            self.stdout.write(self.style.SUCCESS(f"Contenu de démonstration créé : {created}."))
        else:
            self.stdout.write(self.style.SUCCESS("Contenu de démonstration déjà présent : rien à faire."))
        shown_password = "$DEMO_PASSWORD" if os.environ.get("DEMO_PASSWORD") else password
        self.stdout.write(f"\nComptes de démonstration (mot de passe : {shown_password})")
        for username, purpose in result.accounts:
            self.stdout.write(f"  {username:<26} {purpose}")
        self.stdout.write(
            f"  {'conseil-1 … conseil-4':<26} Conseil d'administration, un·e par groupe de travail\n"
            f"  {'membre-<groupe>-<n>':<26} membres des groupes (membre-ethique-3, …)"
        )
