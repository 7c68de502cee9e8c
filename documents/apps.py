from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Bibliothèque de documents")

    def ready(self):
        # Imported once the app registry is ready (Django's rule for models and signal receivers).
        from django.db.models import ForeignKey
        from wagtail.admin.compare import register_comparison_class

        from . import (
            orphans,
            signals,  # noqa: F401 - connects the library and download-log handlers
        )
        from .comparison import LibraryDocumentComparison
        from .models import LibraryDocument

        orphans.connect()

        register_comparison_class(ForeignKey, to=LibraryDocument, comparison_class=LibraryDocumentComparison)
