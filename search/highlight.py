"""Short excerpts around the words searched for, with those words marked."""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .engine import fold

WORD = re.compile(r"\w+", re.UNICODE)


def _stems(words):
    # Marks plural and singular alike, as the French search matches them: the first letters of each word.
    return [fold(word)[: max(4, len(word) - 2)] for word in words]


def excerpt(text, words, length=240):
    """Escaped text around the first match, matched words wrapped in <mark>."""
    text = " ".join((text or "").split())
    if not text:
        return ""
    stems = _stems(words)
    matches = [m for m in WORD.finditer(text) if any(fold(m.group()).startswith(stem) for stem in stems)]
    start = 0
    if matches:
        start = max(0, matches[0].start() - length // 3)
        space = text.rfind(" ", 0, start)
        start = space + 1 if space > 0 else start
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + _mark(text[start:end], stems) + suffix)  # noqa: S308 - _mark escapes


def _mark(text, stems):
    """``text`` escaped, with each word that starts like a searched word wrapped in <mark>."""
    out, last = [], 0
    for match in WORD.finditer(text):
        if any(fold(match.group()).startswith(stem) for stem in stems):
            out.append(escape(text[last : match.start()]))
            out.append(f"<mark>{escape(match.group())}</mark>")
            last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def highlight(title, words):
    """The whole title, escaped, searched words marked."""
    return mark_safe(_mark(title or "", _stems(words)))  # noqa: S308 - _mark escapes
