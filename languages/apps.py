from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LanguagesConfig(AppConfig):
    """French, Dutch and English: each person's language, the switcher, and the catalogues' check."""

    name = "languages"
    verbose_name = _("Langues")

    def ready(self):
        # Imported once the app registry is ready (Django's rule for models and signal receivers).
        from django.contrib.auth.signals import user_logged_in

        from .i18n import remember_language_chosen_before_login

        user_logged_in.connect(remember_language_chosen_before_login, dispatch_uid="language-at-login")
