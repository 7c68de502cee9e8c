from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from languages.i18n import language_for


class IntranetAuthenticationForm(AuthenticationForm):
    """The login form, with French labels a member recognises, autocomplete hints, and errors in
    plain words (Django's speaks of a "nom d'utilisateur" and of "différenciation des majuscules")."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Identifiant ou mot de passe incorrect. Vérifiez les majuscules et les minuscules, "
            "ou demandez un nouveau mot de passe."
        ),
        "inactive": _("Ce compte est désactivé : écrivez au secrétariat de la coopérative."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Identifiant")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].label = _("Mot de passe")
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class IntranetPasswordResetForm(PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Adresse e-mail")
        self.fields["email"].widget.attrs.update({"autocomplete": "email"})

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        """In the language of the person whose password it is."""
        with translation.override(language_for(context["user"])):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
