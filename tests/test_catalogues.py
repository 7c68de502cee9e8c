"""The committed catalogues are complete: every string in French, Dutch and English, no fuzzy
entry, the same placeholders, and .mo files compiled from the .po files as they are.
(``make check-messages`` in CI also checks them against the strings marked in the code.)"""

import polib
from django.utils import translation

from languages.management.commands.catalogues import languages, po_path, problems


def test_the_catalogues_are_complete_and_compiled():
    assert languages() == ["fr", "nl", "en"]
    assert problems() == []


def test_the_check_finds_what_is_wrong(tmp_path, settings):
    import shutil

    shutil.copytree(po_path("fr").parents[2], tmp_path / "locale")
    dutch = polib.pofile(str(po_path("nl", tmp_path / "locale")))
    first, second, third = list(dutch.translated_entries())[:3]
    first.msgstr = ""
    second.flags.append("fuzzy")
    third.msgid_plural or setattr(third, "msgstr", third.msgstr + " %(extra)s")
    dutch.save()
    found = "\n".join(problems(tmp_path / "locale"))
    assert f"nl: untranslated {first.msgid!r}" in found
    assert f"nl: fuzzy {second.msgid!r}" in found
    assert "nl: django.mo is older than django.po" in found


def test_each_catalogue_is_used():
    for language, word in (("fr", "Rechercher"), ("nl", "Zoeken"), ("en", "Search")):
        with translation.override(language):
            assert translation.gettext("Rechercher") == word
