from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The home page: the programmes, the latest reports, the recommendations at a glance, and the menu."""

    name = "home"
    verbose_name = _("Accueil")
