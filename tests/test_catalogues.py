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


def test_the_dutch_and_english_catalogues_are_used():
    for language, word in (("nl", "Zoeken"), ("en", "Search")):
        with translation.override(language):
            assert translation.gettext("Rechercher") == word


def test_the_french_catalogue_is_used_with_the_french_plural_rule():
    # French is the source language: a French msgstr repeats its msgid, and gettext returns the
    # msgid when no catalogue has it, so a singular lookup proves nothing. Plurals do: French
    # counts 0 as singular, while gettext without the French catalogue falls back to n != 1.
    singular, plural = "%(counter)s recommandation", "%(counter)s recommandations"
    with translation.override("fr"):
        assert translation.ngettext(singular, plural, 0) == singular
        assert translation.ngettext(singular, plural, 2) == plural
