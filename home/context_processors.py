from wagtail.models import Site


def navigation(request):
    """The intranet's main menu: the home page and its live sections, for logged-in users only."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    site = Site.find_for_request(request)
    if site is None:
        return {}
    root = site.root_page
    return {
        "nav_root": root,
        "nav_sections": root.get_children().live().in_menu(),
    }
