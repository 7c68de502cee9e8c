from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """People and their way in: login, password reset and its throttle, account settings, logout,
    the login-required rule, private responses, and the client's address behind the proxies."""

    name = "accounts"
    verbose_name = _("Comptes")
