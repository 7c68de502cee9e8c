"""Slow downloads made by the task queue, not by the request: the general assembly's PDF.

Laid out by WeasyPrint, the document takes 3 s for the 34 recommendations of 2018 and 16 s at its
limit of 250 (docs/performance.md): made in the request, a few readers clicking at once would hold
every app server's worker. With a broker configured, the request instead queues
``sitewide.tasks.prepare_download`` and answers at once with a page that reloads itself every few
seconds; the worker makes the document **as the reader** (a request rebuilt from their id, the
address, the host and the language) and stores it in the page cache under the key the reader's
next reload computes (sitewide/page_cache.py), so the reload is served from the cache, and nobody
with other rights ever gets it. Two readers with the same rights share one document.

When there is no worker (``make run``: tasks in-process), no page cache (``PAGE_CACHE_SECONDS=0``), or
no working cache (Redis down), or when the worker could not make it (Pango missing), the document is
made in the request as before: its answer (the PDF, or the page saying why not) is the truth.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation
from wagtail.views import serve

from mailing.queue import run_task

from . import page_cache

logger = logging.getLogger(__name__)

#: How long a "being prepared" mark lasts: a worker lost with its task is asked again after this.
PREPARING_SECONDS = 150
#: The reader's page reloads this often while the document is being made.
RELOAD_SECONDS = 3


def prepare_in_background(request, task):
    """A "being prepared" response after queueing ``task`` (sitewide.tasks.prepare_download), or None
    to make the download here."""
    if making_download(request) or settings.CELERY_TASK_ALWAYS_EAGER or settings.PAGE_CACHE_SECONDS <= 0:
        return None
    key = getattr(request, "_page_cache_key", None) or page_cache.cache_key(request)
    state = cache.get(_state_key(key))
    if state == "failed":
        return None  # the worker could not: made here, to give the reader the real answer
    if state is None:
        if not cache.add(_state_key(key), "preparing", PREPARING_SECONDS):
            if cache.get(_state_key(key)) is None:
                return None  # the cache does not keep anything (Redis down): made here
        elif not run_task(task, *_recipe(request)):
            cache.delete(_state_key(key))
            return None  # the broker is down: made here
    return _preparing_page(request)


def _state_key(key):
    return f"{key}:preparing"


def _recipe(request):
    """What the worker needs to make the download as the reader: who, where, in which language."""
    return (
        request.user.pk,
        request.path,
        request.GET.urlencode(),
        request.get_host(),
        getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
    )


def make(user_id, path, query, host, language):
    """In the worker: the download made as the reader, stored under the reader's page cache key."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    request = RequestFactory().get(path, data=None, QUERY_STRING=query, HTTP_HOST=host)
    request.user = user
    request.LANGUAGE_CODE = language
    key = page_cache.cache_key(request)
    request._making_download = True
    with translation.override(language):
        response = serve(request, path.lstrip("/"))  # the page's own route, as the reader's request
    if response.status_code == 200 and response.get("Content-Type", "").startswith(page_cache.STORED_TYPES):
        stored = (response["Content-Type"], response.content, response.get("Content-Disposition", ""))
        cache.set(key, stored, settings.PAGE_CACHE_SECONDS)
        cache.delete(_state_key(key))
        return True
    logger.warning(
        "A download could not be prepared (status %s): it will be made in the request", response.status_code
    )
    cache.set(_state_key(key), "failed", PREPARING_SECONDS)
    return False


def making_download(request):
    """Whether this request is the worker's, making the download (the view must not queue it again)."""
    return getattr(request, "_making_download", False)


def _preparing_page(request):
    html = render_to_string(
        "sitewide/download_preparing.html", {"reload_seconds": RELOAD_SECONDS}, request=request
    )
    response = HttpResponse(html, status=202)
    response["Refresh"] = str(RELOAD_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
