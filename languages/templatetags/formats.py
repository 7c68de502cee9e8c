"""Template filters for dates, sizes and tags as each language writes them (languages/formats.py).

Loaded in every template (``builtins`` in the settings)."""

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from languages.formats import accentless_key, human_date, human_size

register = template.Library()

register.filter("human_date", human_date)
register.filter("human_size", human_size)


@register.filter
def sorted_tags(tags):
    """Tags by their letters, accents and case aside."""
    return sorted(tags, key=lambda tag: accentless_key(tag.name))


@register.simple_tag
def content_lang():
    """`` lang="fr"`` on an element that shows content (titles, texts, tags, names), when the page is
    in another language: the content is written in French (``CONTENT_LANGUAGE``), and a screen reader
    reads it with a French voice instead of a Dutch or English one (WCAG 3.1.2)."""
    content = settings.CONTENT_LANGUAGE
    if (get_language() or content).split("-")[0] == content:
        return ""
    return mark_safe(f' lang="{content}"')  # noqa: S308 - a language code from the settings
