from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Bibliothèque de documents")

    def ready(self):
        from django.core.files.storage import storages
        from wagtail.models import UploadedFile

        from . import signals  # noqa: F401 - connects the library and download-log handlers

        # Wagtail's multiple uploader parks a file in UploadedFile when its metadata is incomplete;
        # by default under MEDIA_ROOT, where a web server could serve it. Park it in private storage.
        UploadedFile._meta.get_field("file").storage = storages["documents"]
