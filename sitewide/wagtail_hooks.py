"""What the admin shares across the intranet's own screens: one stylesheet."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_css")
def intranet_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("intranet/admin.css"))
