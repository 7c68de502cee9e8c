from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext
from wagtail.models import Page

from languages.formats import human_date
from languages.i18n import language_for
from workinggroups.models import WorkingGroupPage
from workinggroups.tree import ancestors_on_the_way

from ..frame import sidebar

register = template.Library()


@register.simple_tag(takes_context=True)
def kept_sidebar_props(context):
    """Wagtail's ``sidebar_props``, kept per person and shared generation (sitewide/frame.py); used by
    templates/wagtailadmin/base.html, Wagtail's own template with this one tag changed."""
    return sidebar(context)


@register.simple_tag
def breadcrumb_ancestors(page):
    """The breadcrumbs' pages above ``page``, from the home page down: those its routing fetched, when it
    was routed (home/routing.py), without another query (workinggroups/tree.py). Nothing for anything that is
    not a page in the tree (a view's ``page`` that is something else)."""
    if not isinstance(page, Page) or not page.path:
        return []
    return ancestors_on_the_way(page)


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


@register.simple_tag
def decision_facts(decision, facts=""):
    """The three facts members ask about a recommendation, kept apart: where the board stands, what
    the general assembly decided, and what became of it since. ``decision`` is a BoardDecision (or
    nothing); ``facts`` is "position", "assembly", "follow_up" or empty for all three (then the
    assembly's date too). Written in Python: the tracker shows three a row, fifty rows a page, and
    as an included template each cost more than the row around it."""
    if not decision:
        return "—"
    parts = []
    if facts in ("", "position"):
        merged = ""
        if decision.position == "merged" and getattr(decision, "visible_merge", None):
            number = gettext("n° %(number)s") % {"number": decision.visible_merge.number}
            merged = format_html(' <span class="meta">({})</span>', number)
        parts.append(
            format_html(
                '<span class="status status--{}">{}</span>{}',
                decision.position,
                capfirst(decision.get_position_display()),
                merged,
            )
        )
    if facts in ("", "assembly"):
        if decision.presented_to_assembly:
            when = ""
            if decision.assembly_date and not facts:
                when = format_html(
                    ' · <time datetime="{}">{}</time>',
                    decision.assembly_date.isoformat(),
                    human_date(decision.assembly_date),
                )
            parts.append(
                format_html(
                    '<span class="assembly-fact assembly-fact--{}">{}{}</span>',
                    decision.assembly_outcome,
                    capfirst(decision.get_assembly_outcome_display()),
                    when,
                )
            )
        else:
            parts.append(format_html('<span class="meta">{}</span>', gettext("pas encore présentée")))
    if facts in ("", "follow_up"):
        if decision.to_carry_out:
            progress = ""
            if decision.follow_up == "in_progress":
                progress = format_html(" · {}&nbsp;%", decision.progress)
            parts.append(
                format_html(
                    '<span class="follow-up follow-up--{}">{}{}</span>',
                    decision.follow_up,
                    capfirst(decision.get_follow_up_display()),
                    progress,
                )
            )
        else:
            parts.append(mark_safe('<span class="meta">—</span>'))
    return mark_safe(" ".join(parts))  # noqa: S308 - each part built by format_html
