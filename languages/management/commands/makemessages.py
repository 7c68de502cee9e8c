"""Django's makemessages, with xgettext told every name the code gives the translation functions.

xgettext knows ``_``, ``gettext``, ``gettext_lazy`` and the like; a string marked through another
name (``gettext_lazy as _lazy``) was left out of the catalogues, and showed in French on the Dutch
and English pages. The names are read from the code (languages/marked_strings.py).
"""

from django.conf import settings
from django.core.management.commands import makemessages

from languages.marked_strings import keywords, project_packages


class Command(makemessages.Command):
    def handle(self, *args, **options):
        extra = [f"--keyword={keyword}" for keyword in keywords(settings.BASE_DIR, project_packages())]
        self.xgettext_options = [*makemessages.Command.xgettext_options, *extra]
        return super().handle(*args, **options)
