from django import template

register = template.Library()


@register.filter
def is_within(page, section):
    """True when ``page`` is ``section`` or one of its descendants (for aria-current in menus)."""
    if not page or not section or not getattr(page, "path", None):
        return False
    return page.path.startswith(section.path)


@register.filter
def working_group(page):
    """The working group a page belongs to (the page itself, or its nearest group ancestor), or None."""
    from workinggroups.models import WorkingGroupPage

    if not page or not getattr(page, "path", None):
        return None
    return WorkingGroupPage.objects.ancestor_of(page, inclusive=True).order_by("-depth").first()


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if mapping else ""
