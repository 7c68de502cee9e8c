"""The kinds of library documents."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    MINUTES = "minutes", _("procès-verbal")
    GUIDE = "guide", _("guide")
    PRESENTATION = "presentation", _("présentation")
    REPORT = "report", _("rapport")
    RESOURCE = "resource", _("ressource")
