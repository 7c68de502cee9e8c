"""The health check that load balancers and monitors call, and the icon browsers ask for."""

import logging

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from resilience.database import database_answers

logger = logging.getLogger(__name__)


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """For load balancers and monitors: may this app server take requests, and is anything degraded?

    * **200 ``ok``**: the database and the cache answer.
    * **200 ``degraded``**: the database answers, the cache does not. The intranet serves every
      page, uncached (resilience/cache.py): keep this server in the pool, and alert someone.
    * **503 ``down``**: the database does not answer; no page can be served. Take this server out.

    The body says which part failed (``{"status": ..., "database": ..., "cache": ...}``), nothing
    more: no version, no host name, no error text.
    """
    parts = {"database": "ok" if database_answers() else "unavailable"}
    parts["cache"] = "ok" if _cache_answers() else "unavailable"
    if parts["database"] != "ok":
        status, code = "down", 503
    elif parts["cache"] != "ok":
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return JsonResponse({"status": status, **parts}, status=code)


def _cache_answers():
    """Redis (resilience/cache.py) is asked directly, whatever the circuit breaker says."""
    is_available = getattr(cache, "is_available", None)
    if is_available is not None:
        return is_available()  # logs an outage itself, once per interval
    try:
        cache.set("healthz", "ok", 10)
        return cache.get("healthz") == "ok"
    except Exception:
        logger.warning("Health check: the cache does not answer", exc_info=True)
        return False


@login_not_required
@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico on every site, logged in or not: the intranet's icon."""
    return HttpResponsePermanentRedirect(static("intranet/favicon.ico"))
