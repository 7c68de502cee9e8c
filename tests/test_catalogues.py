"""The committed catalogues are complete: every string in French, Dutch and English, no fuzzy
entry, the same placeholders, and .mo files compiled from the .po files as they are.
(``make check-messages`` in CI also checks them against the strings marked in the code.)"""

import polib
from django.utils import translation

from languages.management.commands.catalogues import languages, po_path, problems
from languages.marked_strings import keywords, missing_from, strings_in


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


# Strings marked through any name the code gives the translation functions


ALIASED = """
from django.utils.translation import gettext_lazy as _lazy, ngettext as plural, pgettext as in_context
from django.utils.translation import gettext as _

LABEL = _lazy("Pourquoi souhaitez-vous lire ces procès-verbaux ?")


def count(n):
    return plural("%(n)s page", "%(n)s pages", n) + in_context("menu", "Accueil") + _(f"{n}")
"""


def test_strings_marked_through_an_alias_are_found_by_reading_the_code():
    found = {(m.msgctxt, m.msgid) for m in strings_in(ALIASED)}
    assert found == {
        (None, "Pourquoi souhaitez-vous lire ces procès-verbaux ?"),
        (None, "%(n)s page"),
        ("menu", "Accueil"),
    }  # an f-string is not a marked string: nothing to translate before it is built


def test_makemessages_is_told_every_alias(tmp_path):
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "forms.py").write_text(ALIASED)
    assert keywords(tmp_path, ["app"]) == ["_", "_lazy", "in_context:1c,2", "plural:1,2"]


def test_the_check_names_a_marked_string_that_no_catalogue_has(tmp_path):
    package = tmp_path / "app"
    package.mkdir()
    (package / "forms.py").write_text(
        "from django.utils.translation import gettext_lazy as _lazy\nX = _lazy('Une chaîne oubliée')\n"
    )
    french = {(e.msgctxt, e.msgid) for e in polib.pofile(str(po_path("fr")))}
    missing = missing_from(french, root=tmp_path, apps=["app"])
    assert [(m.msgid, m.where) for m in missing] == [("Une chaîne oubliée", "app/forms.py:2")]


def test_every_string_the_code_marks_is_in_every_catalogue():
    for language in languages():
        ids = {(e.msgctxt, e.msgid) for e in polib.pofile(str(po_path(language)))}
        assert missing_from(ids) == [], language


def test_a_string_marked_with_an_alias_is_shown_in_dutch_and_english():
    from documents.forms import AccessRequestForm

    label = AccessRequestForm.base_fields["reason"].label
    for language, expected in (("nl", "Waarom wilt u deze notulen lezen?"), ("en", "Why would you like")):
        with translation.override(language):
            assert str(label).startswith(expected)
