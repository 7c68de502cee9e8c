from django import template

register = template.Library()


@register.filter
def is_within(page, section):
    """True when ``page`` is ``section`` or one of its descendants (for aria-current in menus)."""
    if not page or not section or not getattr(page, "path", None):
        return False
    return page.path.startswith(section.path)
