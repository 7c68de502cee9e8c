"""The intranet's own error pages: "not found" and "forbidden" under ``make run`` (DEBUG) too,
and "service unavailable, try again" (503) when the database does not answer.

With ``DEBUG`` on, Django answers a 404 with its debug page, which lists every URL of the site,
and a 403 with a bare message: members trying the demo saw those. This middleware renders the
intranet's own 404.html and 403.html whatever ``DEBUG`` says. A developer who wants Django's debug
pages sets ``DEBUG_ERROR_PAGES=1`` (docs/development.md); server errors keep Django's traceback
under ``DEBUG``, which only developers run.
"""

import sys

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.views import defaults

from documents.storage import StoreRefused
from resilience.database import DATABASE_OUTAGE, database_answers, database_unavailable
from resilience.responses import service_unavailable


def server_error(request):
    """Django's ``handler500``, called while the exception is being handled.

    A database that does not answer (a restart, a failover) is not a bug: the person gets the 503
    page, which asks to try again and says nothing was half-saved, with ``Retry-After``. A documents
    volume that refuses a file gets its own 503 page. Neither page needs the database. Anything
    else is Django's 500 page.
    """
    exception = sys.exc_info()[1]
    # Some code turns a lost connection into another error (Django's constraint checks into a
    # ValidationError, say): while the database does not answer, any error is the outage's.
    if database_unavailable(exception) or not database_answers():
        DATABASE_OUTAGE.failed(exception)
        return service_unavailable("503.html", retry_after=10)
    if isinstance(exception, StoreRefused):  # the volume filled up after the upload form's check
        return service_unavailable("documents/store_refused.html", retry_after=300)
    return defaults.server_error(request)


class IntranetErrorPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if DATABASE_OUTAGE.down and response.status_code < 500:
            database_answers()  # reports the end of the outage if it is over (a page may need no query)
        return response

    def process_exception(self, request, exception):
        if not settings.DEBUG or getattr(settings, "DEBUG_ERROR_PAGES", False):
            return None  # without DEBUG, Django renders the same templates itself
        if isinstance(exception, Http404):
            return defaults.page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return defaults.permission_denied(request, exception)
        return None
