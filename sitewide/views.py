"""The health check that load balancers and monitors call, and the icon browsers ask for."""

import logging

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mailing.delivery import emails_are_late
from resilience.database import database_answers

logger = logging.getLogger(__name__)


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """For load balancers and monitors: may this app server take requests, and is anything degraded?

    * **200 ``ok``**: the database and the cache answer.
    * **200 ``degraded``**: the database answers, the cache does not (the intranet serves every
      page, uncached: resilience/cache.py), or an email has waited in the outbox for more than 15
      minutes (no worker is running, or the mail server refuses: mailing/). Keep this server in the
      pool, and alert someone.
    * **503 ``down``**: the database does not answer; no page can be served. Take this server out.

    The body says which part failed (``{"status": ..., "database": ..., "cache": ..., "outbox":
    ...}``), nothing more: no version, no host name, no error text.
    """
    parts = {"database": "ok" if database_answers() else "unavailable"}
    parts["cache"] = "ok" if _cache_answers() else "unavailable"
    parts["outbox"] = _outbox_state() if parts["database"] == "ok" else "unknown"
    if parts["database"] != "ok":
        status, code = "down", 503
    elif parts["cache"] != "ok" or parts["outbox"] != "ok":
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return JsonResponse({"status": status, **parts}, status=code)


def _outbox_state():
    """Whether an email has waited too long (mailing/delivery.py): "late" or "ok"; "unknown" when the outbox
    cannot be read (its table missing on a server that was not migrated): never a server error."""
    try:
        return "late" if emails_are_late() else "ok"
    except DatabaseError:
        logger.warning("Health check: the outbox cannot be read", exc_info=True)
        return "unknown"


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
