"""The person's notifications page, their choices (what to receive, what they follow, their private
feeds' addresses), the follow button's target, the new feed key, and the one-click unsubscribe (no
login)."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from wagtail.models import Page

from languages.i18n import language_for
from privacy.ids import parse_id
from privacy.rules import can_view, closed_paths

from . import unsubscribe as unsubscribe_tokens
from .audience import pages_as_they_are, visible
from .choices import CHOSEN_KINDS, Frequency, Kind
from .feeds import feeds_of
from .follows import followed_pages, is_followable, set_following
from .items import describe
from .models import FeedToken, Notification, Preference, new_feed_key
from .preferences import frequencies, set_frequencies

PER_PAGE = 30


def notifications_page(request):
    if request.method == "POST":
        Notification.objects.filter(user=request.user, read_at=None).update(read_at=timezone.now())
        messages.success(request, _("Toutes vos notifications sont marquées comme lues."))
        return redirect("notifications:list")
    mine = (
        Notification.objects.filter(user=request.user)
        .filter(visible(request.user, closed_paths(request)))
        .select_related(
            "event__document__collection",
            "event__access_request__working_group",
            "event__access_request__document",
            "event__decision_change",
        )
    )
    paginator = Paginator(mine, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    shown = list(page.object_list)
    pages_as_they_are([notification.event for notification in shown])  # specific, with their group's title
    items = [
        {**describe(notification.event), "unread": notification.read_at is None} for notification in shown
    ]
    unread = [notification.pk for notification in shown if notification.read_at is None]
    if unread:  # seen now: read from the next page on (still marked on this one)
        Notification.objects.filter(pk__in=unread).update(read_at=timezone.now())
    response = render(request, "notifications/list.html", {"items": items, "page_obj": page})
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def follow(request, page_id):
    """Follow or stop following a page the person may see; back where they were."""
    page = Page.objects.filter(pk=parse_id(page_id)).first() if parse_id(page_id) else None
    if page is None or not is_followable(page) or not can_view(request, page):
        raise Http404
    if request.POST.get("following") not in ("0", "1"):
        return HttpResponseBadRequest(_("Demande incomplète : rien n'a été changé."))
    following = request.POST.get("following") == "1"
    set_following(request.user, page, following)
    if following:
        messages.success(request, _("Vous suivez « %(title)s ».") % {"title": page.title})
    else:
        messages.success(request, _("Vous ne suivez plus « %(title)s ».") % {"title": page.title})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = page.url or reverse("notifications:preferences")
    return redirect(target)


class PreferencesForm(forms.Form):
    def __init__(self, *args, initial_frequencies, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in CHOSEN_KINDS:
            self.fields[kind] = forms.ChoiceField(
                label=Kind(kind).label,
                choices=Frequency.choices,
                initial=initial_frequencies[kind],
                widget=forms.RadioSelect,
            )


def preferences(request):
    current = frequencies(request.user)
    form = PreferencesForm(request.POST or None, initial_frequencies=current)
    if request.method == "POST" and form.is_valid():
        set_frequencies(request.user, form.cleaned_data)
        messages.success(request, _("Vos choix sont enregistrés."))
        return redirect("notifications:preferences")
    follows = [(page, default) for page, default in followed_pages(request.user) if can_view(request, page)]
    response = render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "follows": follows,
            "feeds": feeds_of(request.user, [page for page, _default in follows]),
            "personal_kinds": [Kind.ACCESS.label, Kind.MODERATION.label],
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def change_feed_key(request):
    """A new secret in the person's feed addresses: the old ones answer 404 from now on (an address
    that was shared, or seen over a shoulder, is revoked that way)."""
    FeedToken.objects.update_or_create(
        user=request.user, defaults={"key": new_feed_key(), "created_at": timezone.now()}
    )
    messages.success(
        request,
        _(
            "Vos flux ont une nouvelle adresse : les anciennes ne fonctionnent plus. Donnez les nouvelles "
            "à votre lecteur de flux."
        ),
    )
    return redirect(reverse("notifications:preferences") + "#flux")


UNSUBSCRIBE_LABELS = {
    "kind": gettext_lazy("les emails « %(what)s »"),
    "frequency": gettext_lazy("le résumé « %(what)s »"),
}


@login_not_required
@csrf_exempt  # the token is the authority; mail clients post RFC 8058's one-click body without a form
def unsubscribe(request, token):
    """GET shows what the link stops and a button (link checkers must not unsubscribe anyone); POST,
    from that button or from a mail client's one-click, stops it. An invalid or expired link changes
    nothing and says so."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    payload = unsubscribe_tokens.read(token)
    user = None
    if payload is not None:
        user = get_user_model().objects.filter(pk=payload["u"], is_active=True).first()
    if user is None:
        response = render(request, "notifications/unsubscribe_invalid.html", status=400)
        response["Cache-Control"] = "no-store"
        return response
    with translation.override(language_for(user)):  # the email's language, whoever's browser opens it
        kinds, what = _unsubscribe_scope(user, payload)
        if request.method == "POST":
            for kind in kinds:
                Preference.objects.update_or_create(
                    user=user, kind=kind, defaults={"frequency": Frequency.NEVER}
                )
            if request.POST.get("List-Unsubscribe") == "One-Click":
                return HttpResponse(status=200)
            response = render(request, "notifications/unsubscribe_done.html", {"what": what, "kinds": kinds})
        else:
            response = render(request, "notifications/unsubscribe.html", {"what": what, "kinds": kinds})
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _unsubscribe_scope(user, payload):
    if payload.get("k") in CHOSEN_KINDS:
        kind = Kind(payload["k"])
        return [kind], UNSUBSCRIBE_LABELS["kind"] % {"what": kind.label}
    if payload.get("f") in (Frequency.DAILY, Frequency.WEEKLY):
        frequency = Frequency(payload["f"])
        kinds = [kind for kind, chosen in frequencies(user).items() if chosen == frequency]
        return kinds, UNSUBSCRIBE_LABELS["frequency"] % {"what": frequency.label}
    return [], ""
