"""The interface language: French (the default), Dutch or English, chosen by each person.

One preference per person, the ``preferred_language`` of their Wagtail profile: the Wagtail
admin already follows it, and so do the member pages (``UserLanguageMiddleware``) and every
email sent to them (``language_for``). A language picked on the login page becomes the
person's choice when they log in, unless they had one. Someone who never chose gets the
language of their browser's language cookie, else of its ``Accept-Language``, else French
(Django's ``LocaleMiddleware``); emails to them are in French, the cooperative's language.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpResponseNotAllowed
from django.utils import translation
from django.views.i18n import set_language as django_set_language
from wagtail.users.models import UserProfile


def supported_languages():
    return {code for code, _name in settings.LANGUAGES}


def preferred_language(user):
    """The language this person chose, or None (the profile is loaded with the user)."""
    if user is None or not user.is_authenticated:
        return None
    try:
        language = user.wagtail_userprofile.preferred_language
    except ObjectDoesNotExist:
        return None
    return language if language in supported_languages() else None


def language_for(user):
    """The language to write to this person in: their choice, else the cooperative's."""
    return preferred_language(user) or settings.LANGUAGE_CODE


class UserLanguageMiddleware:
    """After authentication: a person's own choice wins over the cookie and the browser."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = preferred_language(getattr(request, "user", None))
        if language and language != getattr(request, "LANGUAGE_CODE", None):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


def remember_language_chosen_before_login(sender, request, user, **kwargs):
    """A language chosen with the switcher on the login page becomes the person's choice, unless
    they had already made one (which then wins, on this device too)."""
    if request is None:
        return
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if language not in supported_languages() or preferred_language(user):
        return
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save(update_fields=["preferred_language"])


@login_not_required  # the login page has the switcher too
def set_language(request):
    """The language switcher: Django's view (checks the language and the ``next`` URL, sets the
    cookie), and, for a logged-in person, the choice saved in their profile, so that it follows
    them to every device, to the admin and to their emails."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    response = django_set_language(request)
    language = request.POST.get("language")
    if language in supported_languages() and request.user.is_authenticated:
        profile = UserProfile.get_for_user(request.user)
        if profile.preferred_language != language:
            profile.preferred_language = language
            profile.save(update_fields=["preferred_language"])
    return response
