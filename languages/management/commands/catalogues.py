"""Keep the translation catalogues (``locale/``) in step with the code.

    manage.py catalogues           # extract the marked strings, fill French, compile the .mo files
    manage.py catalogues --check   # fail when a catalogue is incomplete or behind the code (CI)

French is the source language: its catalogue repeats each msgid, so that it is complete like
the others. Dutch and English are translated by hand in their ``django.po``; a string marked
in the code and not yet translated is left empty there, and ``--check`` names it. The ``.mo``
files are compiled with polib and committed, so that installing the intranet needs no gettext.
Extraction needs GNU gettext's ``xgettext`` (Debian's ``gettext`` package), only here.
"""

import re
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from languages.marked_strings import missing_from

SOURCE_LANGUAGE = "fr"
IGNORE = [
    ".venv",
    "venv",
    "node_modules",
    "bench",
    "tests",
    "artifacts",
    "static",
    "media",
    "private-media",
    "backups",
    "*/migrations/*",
    # Copies of Wagtail's own chooser templates, with its English messages: Wagtail translates them.
    "templates/wagtailadmin/chooser/*",
    # Wagtail's admin base template, copied with one tag changed (sitewide/frame.py): Wagtail translates it.
    "templates/wagtailadmin/base.html",
]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def _polib():
    # A development tool (requirements-dev.txt), imported only when the catalogues are checked.
    try:
        import polib
    except ImportError as error:  # a development tool: requirements-dev.txt
        raise CommandError("polib is needed: pip install -r requirements-dev.txt") from error
    return polib


def locale_dir():
    return Path(settings.LOCALE_PATHS[0])


def po_path(language, base=None):
    return (base or locale_dir()) / language / "LC_MESSAGES" / "django.po"


def languages():
    return [code for code, _name in settings.LANGUAGES]


def extract():
    """Django's makemessages for every language, file names (not lines) as locations."""
    if shutil.which("xgettext") is None:
        raise CommandError("xgettext is missing: install GNU gettext (Debian: apt-get install gettext).")
    call_command(
        "makemessages",
        locale=languages(),
        ignore_patterns=IGNORE,
        no_obsolete=True,
        add_location="file",
        verbosity=0,
    )


def tidy_headers():
    """A header that says which project and language it is, not makemessages' template."""
    polib = _polib()
    for language in languages():
        catalogue = polib.pofile(str(po_path(language)), wrapwidth=0)
        catalogue.header = "Translations of the cooperative's intranet. French is the source language."
        catalogue.metadata_is_fuzzy = False
        metadata = catalogue.metadata
        metadata["Project-Id-Version"] = "intranet"
        metadata["Language"] = language
        metadata["Language-Team"] = dict(settings.LANGUAGES)[language]
        for key in ("Report-Msgid-Bugs-To", "PO-Revision-Date", "Last-Translator"):
            metadata.pop(key, None)
        catalogue.save()


def fill_source_language():
    """The French catalogue says each string as it is written."""
    polib = _polib()
    catalogue = polib.pofile(str(po_path(SOURCE_LANGUAGE)), wrapwidth=0)
    for entry in catalogue:
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = None
    catalogue.save()


def compile_catalogues():
    polib = _polib()
    for language in languages():
        path = po_path(language)
        polib.pofile(str(path)).save_as_mofile(str(path.with_suffix(".mo")))


def _translations(entry):
    if entry.msgid_plural:
        return [entry.msgstr_plural.get(index, "") for index in sorted(entry.msgstr_plural)] or [""]
    return [entry.msgstr]


def problems(base=None):
    """Everything wrong with the catalogues under ``base`` (default: the project's), as text."""
    polib = _polib()
    found = []
    msgids = {}
    for language in languages():
        path = po_path(language, base)
        if not path.exists():
            found.append(f"{language}: no catalogue at {path}")
            continue
        catalogue = polib.pofile(str(path))
        msgids[language] = {(entry.msgctxt, entry.msgid) for entry in catalogue if not entry.obsolete}
        for entry in catalogue:
            if entry.obsolete:
                found.append(f"{language}: obsolete entry {entry.msgid!r}")
            elif "fuzzy" in entry.flags:
                found.append(f"{language}: fuzzy {entry.msgid!r}")
            elif not all(_translations(entry)):
                found.append(f"{language}: untranslated {entry.msgid!r}")
            else:
                # The same placeholders as the source; a plural form may leave one out (French
                # says "la plus récente" where the plural says "les %(shown)s plus récentes"),
                # never bring one the source does not fill in.
                expected = set(PLACEHOLDER.findall(entry.msgid))
                if entry.msgid_plural:
                    expected |= set(PLACEHOLDER.findall(entry.msgid_plural))
                for translation in _translations(entry):
                    used = set(PLACEHOLDER.findall(translation))
                    if used - expected or (not entry.msgid_plural and used != expected):
                        found.append(f"{language}: placeholders differ in {entry.msgid!r} -> {translation!r}")
        compiled_path = path.with_suffix(".mo")
        if not compiled_path.exists():
            found.append(f"{language}: {compiled_path.name} is missing (manage.py catalogues)")
        else:
            compiled = {
                (entry.msgctxt, entry.msgid): _translations(entry)
                for entry in polib.mofile(str(compiled_path))
            }
            source = {
                (entry.msgctxt, entry.msgid): _translations(entry) for entry in catalogue.translated_entries()
            }
            compiled.pop((None, ""), None)
            if compiled != source:
                found.append(
                    f"{language}: {compiled_path.name} is older than django.po (manage.py catalogues)"
                )
    reference = msgids.get(SOURCE_LANGUAGE, set())
    for language, ids in msgids.items():
        for _msgctxt, msgid in sorted(reference - ids, key=str):
            found.append(f"{language}: missing {msgid!r}")
        for _msgctxt, msgid in sorted(ids - reference, key=str):
            found.append(f"{language}: not in the French catalogue {msgid!r}")
    return found


class Command(BaseCommand):
    help = (
        "Extract the marked strings into locale/, fill French, compile; --check fails if anything is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing; fail if the catalogues lack a string of the code, hold an old one, "
            "or have an untranslated or fuzzy entry.",
        )

    def handle(self, *args, check, **options):
        if check:
            return self.check_catalogues()
        extract()
        tidy_headers()
        fill_source_language()
        compile_catalogues()
        for line in problems():
            self.stdout.write(line)
        self.stdout.write(
            "Catalogues updated: translate the entries listed above, if any, then run this again."
        )

    def check_catalogues(self):
        found = problems()
        # Read from the code itself, whatever name a module gives the translation functions.
        polib = _polib()
        for language in languages():
            ids = {(e.msgctxt, e.msgid) for e in polib.pofile(str(po_path(language))) if not e.obsolete}
            found += [
                f"{language}: marked in {marked.where}, not in the catalogue: {marked.msgid!r}"
                for marked in missing_from(ids)
            ]
        # The catalogues as committed, against the strings marked in the code today: extract into
        # the project's locale/ (makemessages writes nowhere else), compare, then put them back.
        with tempfile.TemporaryDirectory() as saved:
            saved = Path(saved) / "locale"
            shutil.copytree(locale_dir(), saved)
            try:
                extract()
                polib = _polib()
                for language in languages():
                    before = {(e.msgctxt, e.msgid) for e in polib.pofile(str(po_path(language, saved)))}
                    after = {(e.msgctxt, e.msgid) for e in polib.pofile(str(po_path(language)))}
                    found += [
                        f"{language}: marked in the code, not in the catalogue: {m!r}"
                        for _c, m in after - before
                    ]
                    found += [f"{language}: no longer in the code: {m!r}" for _c, m in before - after]
            finally:
                shutil.rmtree(locale_dir())
                shutil.copytree(saved, locale_dir())
        if found:
            raise CommandError(
                f"{len(found)} problem(s) in the catalogues; run `make messages` and translate:\n"
                + "\n".join(found)
            )
        counts = ", ".join(
            f"{language} {len(_polib().pofile(str(po_path(language))))}" for language in languages()
        )
        self.stdout.write(f"Catalogues complete and up to date: {counts} entries.")
