"""The intranet's own "not found" and "forbidden" pages, under ``make run`` (DEBUG) too.

With ``DEBUG`` on, Django answers a 404 with its debug page, which lists every URL of the site,
and a 403 with a bare message: members trying the demo saw those. This middleware renders the
intranet's own 404.html and 403.html whatever ``DEBUG`` says. A developer who wants Django's debug
pages sets ``DEBUG_ERROR_PAGES=1`` (docs/development.md); server errors keep Django's traceback
under ``DEBUG``, which only developers run.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.views import defaults


class IntranetErrorPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not settings.DEBUG or getattr(settings, "DEBUG_ERROR_PAGES", False):
            return None  # without DEBUG, Django renders the same templates itself
        if isinstance(exception, Http404):
            return defaults.page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return defaults.permission_denied(request, exception)
        return None
