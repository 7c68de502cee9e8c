from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext

from languages.formats import human_size


class UploadSizeLimitMiddleware:
    """A request body larger than an upload may be is refused from its ``Content-Length``, before a
    byte of it is read (and written to a temporary file): 413, with the limit in plain words."""

    #: Room for the form's other fields around the file.
    FORM_ALLOWANCE = 1024 * 1024

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.WAGTAILDOCS_MAX_UPLOAD_SIZE + self.FORM_ALLOWANCE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            message = gettext("Ce fichier est trop gros : %(size)s au plus.") % {
                "size": human_size(settings.WAGTAILDOCS_MAX_UPLOAD_SIZE)
            }
            if (
                "application/json" in request.headers.get("Accept", "")
                or request.headers.get("X-Requested-With") == "XMLHttpRequest"
            ):
                return JsonResponse({"success": False, "error_message": message}, status=413)
            return render(request, "413.html", {"message": message}, status=413)
        return self.get_response(request)
