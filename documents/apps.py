from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Bibliothèque de documents")

    def ready(self):
        from . import signals  # noqa: F401 - connects the library and download-log handlers
