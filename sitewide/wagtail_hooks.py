"""What the admin shares across the intranet's own screens: one stylesheet."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks

from . import prepared_downloads
from .tasks import prepare_download


@hooks.register("insert_global_admin_css")
def intranet_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("intranet/admin.css"))


@hooks.register("intranet_slow_download")
def prepare_downloads_on_the_worker(request):
    """The general assembly's PDF is made by the task queue when there is one (prepared_downloads.py)."""
    return prepared_downloads.prepare_in_background(request, prepare_download)
