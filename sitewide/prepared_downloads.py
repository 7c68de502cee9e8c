"""Slow downloads made by the task queue, not by the request: the general assembly's PDF.

Laid out by WeasyPrint, the document takes 3 s for the 34 recommendations of 2018 and 16 s at its
limit of 250 (docs/performance.md): made in the request, a few readers clicking at once would hold
every app server's worker. With a broker configured, the request instead queues
``sitewide.tasks.prepare_download`` and answers at once with a page that says so and offers the
download again (no automatic reload: it would restart a screen reader every few seconds, WCAG
2.2.1); one document at a time per person, so that a script cannot fill the queue. The worker
makes the document **as the reader** (a request rebuilt from their id, the address with its query
string as sent, the host and the language) and stores it in the page cache under the key the
reader's next request computes (sitewide/page_cache.py), so that request is served from the
cache, and nobody with other rights ever gets it. Two readers with the same rights share one document.

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
        else:
            # One document at a time per person: a script cannot fill the queue with variants.
            person = _person_key(request.user.pk)
            if not cache.add(person, key, PREPARING_SECONDS) and cache.get(person) != key:
                cache.delete(_state_key(key))
                return _page(request, "sitewide/download_busy.html", 429)
            if not run_task(task, *_recipe(request, key)):
                cache.delete_many([_state_key(key), _person_key(request.user.pk)])
                return None  # the broker is down: made here
    return _page(request, "sitewide/download_preparing.html", 202)


def _state_key(key):
    return f"{key}:preparing"


def _person_key(user_id):
    return f"prepared-download-for:{user_id}"


def _recipe(request, key):
    """What the worker needs to make the download as the reader: who, where (the query string as
    sent, so that the worker's key is the reader's), in which language, and the reader's key (whose
    "being prepared" mark the worker clears)."""
    return (
        request.user.pk,
        request.path,
        request.META.get("QUERY_STRING", ""),
        request.get_host(),
        getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
        key,
    )


def make(user_id, path, query, host, language, asked_key=None):
    """In the worker: the download made as the reader and stored under the page cache key of this
    rebuilt request, that is of the reader's rights **now**: a document made with rights gained since
    the reader asked is never stored where their former rights would find it. Unless something
    changed in between, it is the key the reader's request computed (``asked_key``), which their next
    request finds; otherwise their next request asks again."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    marks = [_person_key(user_id)] + ([_state_key(asked_key)] if asked_key else [])
    if user is None:
        cache.delete_many(marks)
        return False
    request = RequestFactory().get(path, QUERY_STRING=query, HTTP_HOST=host)
    request.user = user
    request.LANGUAGE_CODE = language
    key = page_cache.cache_key(request)
    request._making_download = True
    try:
        with translation.override(language):
            response = serve(request, path.lstrip("/"))  # the page's own route, as the reader's request
    finally:
        cache.delete(_person_key(user_id))
    if response.status_code == 200 and response.get("Content-Type", "").startswith(page_cache.STORED_TYPES):
        stored = (response["Content-Type"], response.content, response.get("Content-Disposition", ""))
        cache.set(key, stored, settings.PAGE_CACHE_SECONDS)
        cache.delete_many({*marks, _state_key(key)})
        return True
    logger.warning(
        "A download could not be prepared (status %s): it will be made in the request", response.status_code
    )
    for state in {_state_key(key), *marks[1:]}:
        cache.set(state, "failed", PREPARING_SECONDS)
    return False


def making_download(request):
    """Whether this request is the worker's, making the download (the view must not queue it again)."""
    return getattr(request, "_making_download", False)


def _page(request, template, status):
    response = HttpResponse(render_to_string(template, {}, request=request), status=status)
    response["Cache-Control"] = "no-store"
    return response
