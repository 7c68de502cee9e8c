from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("Accueil")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import i18n, page_cache

        page_cache.connect_signals()
        user_logged_in.connect(i18n.remember_language_chosen_before_login, dispatch_uid="language-at-login")
