from django.http import HttpResponse
from django.template.loader import render_to_string


def service_unavailable(template_name, retry_after, request=None):
    """A 503 page with ``Retry-After``: come back in ``retry_after`` seconds.

    Without ``request``, the template is rendered without context processors, so that the page
    needs no database (the database's own outage).
    """
    response = HttpResponse(render_to_string(template_name, request=request), status=503)
    response["Retry-After"] = str(retry_after)
    return response
