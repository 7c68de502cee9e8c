from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

from languages.i18n import language_for
from workinggroups.models import WorkingGroupPage

register = template.Library()


@register.filter
def translated(value):
    """A stored name in the current language when the catalogues know it (the workflow and its
    tasks are created in French by a migration), else as stored (renamed by an administrator)."""
    return gettext(str(value)) if value else value


@register.filter
def email_language(user):
    """The language to write to this person in (languages/i18n.py)."""
    return language_for(user)


@register.filter
def is_within(page, section):
    """True when ``page`` is ``section`` or one of its descendants (for aria-current in menus)."""
    if not page or not section or not getattr(page, "path", None):
        return False
    return page.path.startswith(section.path)


@register.filter
def working_group(page):
    """The working group a page belongs to (the page itself, or its nearest group ancestor), or None."""
    if not page or not getattr(page, "path", None):
        return None
    return WorkingGroupPage.objects.ancestor_of(page, inclusive=True).order_by("-depth").first()


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if mapping else ""


@register.simple_tag
def new_mark(page):
    """Where a "new" mark goes for a page that first appeared after the reader's last visit: a slot
    filled per request (notifications/personal.py), so the cached page holds nobody's last visit."""
    published = getattr(page, "first_published_at", None)
    if published is None:
        return ""
    return format_html("<!--intranet:new:{}-->", int(published.timestamp()))


@register.simple_tag
def follow_button(page):
    """Where the follow button goes: filled per request with the reader's own state."""
    path = page.path if page.path.isalnum() else ""  # Wagtail's tree paths: 0-9 and A-Z
    return format_html("<!--intranet:follow:{}:{}-->", int(page.pk), path)
