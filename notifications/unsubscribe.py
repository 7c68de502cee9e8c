"""One-click unsubscribe links (RFC 8058): signed, expiring, and needing no login.

The token names the person and what to stop: one kind of event (an email sent at once), or a digest
(every kind the person receives in that digest). It expires after UNSUBSCRIBE_MAX_AGE_DAYS; an
expired or forged token changes nothing and says how to unsubscribe from the profile instead."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "notifications.unsubscribe"


def token(user, kind=None, frequency=None):
    payload = {"u": user.pk}
    if kind:
        payload["k"] = str(kind)
    if frequency:
        payload["f"] = str(frequency)
    return signing.dumps(payload, salt=SALT, compress=True)


def read(value):
    """The payload, or None when the token is forged, damaged or expired."""
    try:
        payload = signing.loads(value, salt=SALT, max_age=settings.UNSUBSCRIBE_MAX_AGE_DAYS * 86400)
    except signing.BadSignature:  # SignatureExpired is one
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        return None
    return payload


def url(user, **what):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
        "notifications:unsubscribe", args=[token(user, **what)]
    )


def headers(link):
    return {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
