"""The client's address, as the outermost trusted reverse proxy saw it.

With TRUSTED_PROXY_COUNT = n (the number of proxies in front of Django, each appending
to X-Forwarded-For), the client is the n-th entry from the right: whatever a client
writes to the left of it is ignored, so rotating a forged X-Forwarded-For changes
nothing. With no trusted proxy, X-Forwarded-For is ignored entirely.
"""

from django.conf import settings


def client_ip(request):
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    remote = request.META.get("REMOTE_ADDR", "")
    if count <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]
