import time

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path

from intranet.urls import urlpatterns as project_urlpatterns


@login_not_required
def slow(request, milliseconds):
    """A request that takes its time, as a large export or a slow upload does."""
    time.sleep(milliseconds / 1000)
    return HttpResponse(f"done after {milliseconds} ms", content_type="text/plain")


urlpatterns = [path("slow/<int:milliseconds>", slow), *project_urlpatterns]
