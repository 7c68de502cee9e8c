from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Who may see which page and which collection (one rule, privacy/rules.py), and the admin's
    guards that keep titles and ids of what one may not see out of sight."""

    name = "privacy"
    verbose_name = _("Confidentialité")
