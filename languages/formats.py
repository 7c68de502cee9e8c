"""Dates, sizes and orderings as each language writes them.

Django's formats are close but not right for the intranet's readers:

* French writes the first day of a month "1er septembre", not "1 septembre";
* sizes are "ko" and "Mo" in French (kilooctet, mégaoctet), "kB" and "MB" in Dutch and English,
  where Django writes "Ko" or "KB";
* people are listed as people read numbers ("Membre 2" before "Membre 10");
* tags are sorted by their letters, accents aside ("éthique" beside "ethique", not after "z").
"""

import re
import unicodedata
from functools import lru_cache

from django.utils import formats
from django.utils.timezone import is_aware, localtime
from django.utils.translation import get_language

#: Size units per language, from bytes up (bytes as a word, singular and plural).
UNITS = {
    "fr": (("octet", "octets"), "ko", "Mo", "Go"),
    "nl": (("byte", "bytes"), "kB", "MB", "GB"),
    "en": (("byte", "bytes"), "kB", "MB", "GB"),
}


def _language():
    return (get_language() or "fr").split("-")[0]


def human_date(value, format_name="DATE_FORMAT"):
    """The date (or date and time) in the reader's language; "1er" for the first in French."""
    if value in (None, ""):
        return ""
    if hasattr(value, "hour") and is_aware(value):
        value = localtime(value)
    return _date_text(value, format_name, get_language() or "fr")


@lru_cache(maxsize=4096)
def _date_text(value, format_name, language):
    """Kept per value, format and language: a group's page writes its hundred report dates on every
    render, and Django's formatting of one date costs tens of microseconds (the active language is
    the one named: formats read it)."""
    text = formats.date_format(value, format_name)
    if language.split("-")[0] == "fr" and value.day == 1:
        text = re.sub(r"^1(?=\s)", "1er", text)
    return text


def human_size(size):
    """A file size with the reader's units and decimal mark: "1,5 Mo", "1.5 MB", "820 ko"."""
    if size is None:
        return ""
    units = UNITS.get(_language(), UNITS["en"])
    value, unit = float(size), 0
    # Powers of 1024, as Wagtail's own messages and the upload limit count them.
    while value >= 1024 and unit < len(units) - 1:
        value, unit = value / 1024, unit + 1
    decimals = 0 if unit == 0 or value >= 100 else 1
    number = formats.number_format(round(value, decimals), decimals)
    name = units[unit] if unit else units[0][0 if size == 1 else 1]
    return f"{number}\u00a0{name}"


def natural_key(text):
    """Digits compare as numbers, letters without case: "Membre 2" before "Membre 10"."""
    return [int(part) if part.isdigit() else accentless_key(part) for part in re.split(r"(\d+)", text or "")]


def accentless_key(text):
    """Letters compared without their accents or case ("Éthique" sorts with "ethique")."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
