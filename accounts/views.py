import logging

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import caches
from django.shortcuts import render
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from redis.exceptions import RedisError
from wagtail import hooks
from wagtail.admin.forms.account import NameEmailForm
from wagtail.admin.views.account import AccountView as WagtailAccountView
from wagtail.admin.views.account import LogoutView as WagtailLogoutView
from wagtail.admin.views.account import NameEmailSettingsPanel
from wagtail.admin.views.account import PasswordResetView as WagtailPasswordResetView

from accounts.client_address import client_ip
from languages.i18n import language_for
from resilience.outages import Outage
from resilience.responses import service_unavailable

logger = logging.getLogger(__name__)


class NamesFromTheRegisterForm(NameEmailForm):
    """First and last names are shown, not edited: they come from the cooperative's register of
    members and identify people to each other (attendees, requesters, reviewers). Only an
    administrator changes them, in Users. Disabled fields ignore whatever is posted for them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name"):
            self.fields[name].disabled = True
            self.fields[name].required = False
            self.fields[name].help_text = _(
                "Tenu par le registre des sociétaires : écrivez au secrétariat pour le corriger."
            )


class NamesFromTheRegisterPanel(NameEmailSettingsPanel):
    form_class = NamesFromTheRegisterForm


class AccountView(WagtailAccountView):
    """Wagtail's account settings, where only a superuser edits their own first and last name."""

    def get_panels(self):
        panels = super().get_panels()
        if self.request.user.is_superuser:
            return panels
        return [
            NamesFromTheRegisterPanel(panel.request, panel.user, panel.profile)
            if type(panel) is NameEmailSettingsPanel
            else panel
            for panel in panels
        ]


class AdminLogoutView(WagtailLogoutView):
    """Wagtail's admin logout, answering only POST: Wagtail's deletes the session cookie (and says
    "logged out") even when it refuses a GET with 405, so any link or image could log people out."""

    def dispatch(self, request, *args, **kwargs):
        if request.method.lower() not in self.http_method_names:
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)


class PasswordResetThrottleMixin:
    """At most PASSWORD_RESET_LIMIT requests an hour per address and per email, counted together
    for the member site's form and the admin's (the same keys): one limit, whichever form is used.

    Counted in the shared cache's ``limits`` alias, so every app server sees the same counts. It
    **fails closed**: when the counts cannot be kept (Redis down), the form sends nothing and asks
    to come back in a few minutes, because an uncounted form would let anyone fill a member's
    mailbox with reset emails. Logging in needs none of this (login protection is in the database).
    """

    def post(self, request, *args, **kwargs):
        email = request.POST.get("email", "").strip().lower()
        keys = [
            "reset-ip-" + salted_hmac("reset", client_ip(request)).hexdigest(),
            "reset-email-" + salted_hmac("reset", email).hexdigest(),
        ]
        try:
            counts = [_count(caches["limits"], key) for key in keys]
        except (RedisError, OSError) as error:  # the counter cannot be kept: nothing is sent
            RESET_LIMITS_OUTAGE.failed(error)
            return service_unavailable("registration/password_reset_unavailable.html", 60, request)
        RESET_LIMITS_OUTAGE.succeeded()
        if max(counts) > settings.PASSWORD_RESET_LIMIT:
            logger.warning("Password reset throttled")
            return render(request, "registration/password_reset_throttled.html", status=429)
        return super().post(request, *args, **kwargs)


RESET_LIMITS_OUTAGE = Outage("Password reset limits (cache)", retry_after=0)


def _count(counter, key):
    counter.add(key, 0, 3600)
    try:
        return counter.incr(key)
    except ValueError:  # expired between add and incr
        counter.set(key, 1, 3600)
        return 1


class ThrottledPasswordResetView(PasswordResetThrottleMixin, auth_views.PasswordResetView):
    pass


class AdminThrottledPasswordResetView(PasswordResetThrottleMixin, WagtailPasswordResetView):
    pass


def profile(request):
    """The person's own page: who they are for the intranet, their language, their password, and what
    each app adds (their working groups, their access requests) through the ``intranet_profile_sections``
    hook: ``accounts`` is below those apps and names none of them."""
    sections = []
    for hook in hooks.get_hooks("intranet_profile_sections"):
        section = hook(request)
        if section is not None:
            sections.append(section)
    sections.sort(key=lambda section: section.get("order", 100))
    language = language_for(request.user)
    return render(
        request,
        "accounts/profile.html",
        {
            "person": request.user,
            "language_name": dict(settings.LANGUAGES).get(language, language),
            "sections": sections,
        },
    )
