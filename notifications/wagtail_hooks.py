from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from privacy.rules import can_view

from .follows import followed_pages
from .preferences import frequencies


@hooks.register("intranet_profile_sections")
def my_follows(request):
    """On the person's own page (accounts/views.py): what they follow, and how they hear of it."""
    return {
        "title": _("Ce que vous suivez"),
        "template": "notifications/includes/profile_follows.html",
        "follows": [
            (page, default) for page, default in followed_pages(request.user) if can_view(request, page)
        ],
        "frequencies": [
            (kind.label, frequency.label) for kind, frequency in frequencies(request.user).items()
        ],
        "order": 30,
    }
