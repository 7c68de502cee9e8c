"""Titles in Wagtail's admin as the person may see them (see templates/wagtailadmin/chooser/tables/).

Wagtail shows a page by its "admin display title": the title of its latest draft. A person who
may not edit the page (another group's member browsing the page chooser to link a page, say)
may read its live title, never the title of a revision still in draft or in review.
"""

from django import template
from wagtail.permission_policies.pages import PagePermissionPolicy

register = template.Library()


@register.simple_tag(takes_context=True)
def visible_admin_title(context, page):
    request = context.get("request")
    if page is None:
        return ""
    user = getattr(request, "user", None)
    if user is not None and PagePermissionPolicy().user_has_permission_for_instance(user, "change", page):
        return page.get_admin_display_title()
    return page.title
