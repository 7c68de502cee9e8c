from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitewideConfig(AppConfig):
    """The pieces that know every app: the page cache, backup and restore, the demo content and its
    loader, the scale data generator, the health check and the project's template tags."""

    name = "sitewide"
    verbose_name = _("Ensemble du site")

    def ready(self):
        # Imported once the app registry is ready (Django's rule for models and signal receivers).
        from . import page_cache

        page_cache.connect_signals()
