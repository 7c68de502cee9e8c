from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

from languages.formats import human_date
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


#: A row of a group's reports table (working_group_page.html): date, kind, and the report's link.
REPORT_ROW = (
    '<tr><td data-label="{}"><time datetime="{}">{}</time></td><td data-label="{}">{}</td>'
    '<td data-label="{}">{}<a href="{}"{}>{}</a></td></tr>'
)


@register.simple_tag
def report_table_rows(rows, date_label, kind_label, report_label, lang=""):
    """The rows of a group's reports table, from its plain rows (``workinggroups.models.groups.report_rows``),
    written in Python: a group holds a hundred reports at full size, and as template rows they cost
    8 ms of its page. Each report's "new" mark is the slot ``new_mark`` leaves."""
    return format_html_join(
        "",
        REPORT_ROW,
        (
            (
                date_label,
                row.date.isoformat(),
                human_date(row.date),
                kind_label,
                row.kind,
                report_label,
                new_mark(row),
                row.url,
                lang,
                row.title,
            )
            for row in rows
        ),
    )
