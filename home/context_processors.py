from django.urls import reverse
from wagtail.models import Site

from privacy.rules import visible_pages


def navigation(request):
    """The intranet's main menu: the home page and its live sections, for logged-in users only."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    if request.path.startswith(reverse("wagtailadmin_home")):
        return {}  # the admin has its own menu
    site = Site.find_for_request(request)
    if site is None:
        return {}
    root = site.root_page
    return {
        "nav_root": root,
        "nav_sections": visible_pages(request, root.get_children().in_menu()),
    }
