import logging

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.crypto import salted_hmac
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from intranet.client_ip import client_ip

logger = logging.getLogger(__name__)


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """200 when the database and the cache answer, 503 otherwise; nothing else is said."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        cache.set("healthz", "ok", 10)
        healthy = cache.get("healthz") == "ok"
    except Exception:
        logger.exception("Health check failed")
        healthy = False
    return JsonResponse({"status": "ok" if healthy else "unavailable"}, status=200 if healthy else 503)


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """At most PASSWORD_RESET_LIMIT requests an hour per address and per email.

    Counted in the shared cache, so every app server sees the same counts.
    """

    def post(self, request, *args, **kwargs):
        email = request.POST.get("email", "").strip().lower()
        keys = [
            "reset-ip-" + salted_hmac("reset", client_ip(request)).hexdigest(),
            "reset-email-" + salted_hmac("reset", email).hexdigest(),
        ]
        counts = []
        for key in keys:
            cache.add(key, 0, 3600)
            try:
                counts.append(cache.incr(key))
            except ValueError:  # expired between add and incr
                cache.set(key, 1, 3600)
                counts.append(1)
        if max(counts) > settings.PASSWORD_RESET_LIMIT:
            logger.warning("Password reset throttled")
            return render(request, "registration/password_reset_throttled.html", status=429)
        return super().post(request, *args, **kwargs)
