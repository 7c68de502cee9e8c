"""Template filters for dates, sizes and tags as each language writes them (languages/formats.py).

Loaded in every template (``builtins`` in the settings)."""

from django import template

from languages.formats import accentless_key, human_date, human_size

register = template.Library()

register.filter("human_date", human_date)
register.filter("human_size", human_size)


@register.filter
def sorted_tags(tags):
    """Tags by their letters, accents and case aside."""
    return sorted(tags, key=lambda tag: accentless_key(tag.name))
