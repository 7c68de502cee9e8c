"""The notification emails: plain text and HTML, in the person's language (the caller activates it),
each with its one-click unsubscribe link and headers (RFC 8058)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from . import unsubscribe
from .choices import Frequency


def _message(user, template, context, link):
    context = {
        **context,
        "user": user,
        "unsubscribe_url": link,
        "preferences_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("notifications:preferences"),
    }
    subject = " ".join(render_to_string(f"notifications/emails/{template}_subject.txt", context).split())
    text = render_to_string(f"notifications/emails/{template}.txt", context)
    html = render_to_string(f"notifications/emails/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, to=[user.email], headers=unsubscribe.headers(link))
    message.attach_alternative(html, "text/html")
    return message


def event_email(user, event, item):
    link = unsubscribe.url(user, kind=event.kind)
    return _message(user, "event", {"item": item, "kind": event.get_kind_display()}, link)


def digest_email(user, frequency, items):
    link = unsubscribe.url(user, frequency=frequency)
    return _message(
        user,
        "digest",
        {"items": items, "count": len(items), "weekly": frequency == Frequency.WEEKLY},
        link,
    )
