from django.urls import reverse

from .frame import menu


def navigation(request):
    """The intranet's main menu: the home page and its live sections the person may open, for
    logged-in users only (sitewide/frame.py keeps it per process and shared generation)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    if request.path.startswith(reverse("wagtailadmin_home")):
        return {}  # the admin has its own menu
    root, sections = menu(request)
    if root is None:
        return {}
    return {"nav_root": root, "nav_sections": sections}
