"""The health check that load balancers and monitors call, and the icon browsers ask for."""

import logging

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

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


@login_not_required
@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico on every site, logged in or not: the intranet's icon."""
    return HttpResponsePermanentRedirect(static("intranet/favicon.ico"))
