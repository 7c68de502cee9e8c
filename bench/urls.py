"""The project's URLs plus the ceiling: the smallest Django view, served the same way."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path

from intranet.urls import urlpatterns as project_urlpatterns


@login_not_required
def ceiling(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/ceiling", ceiling), *project_urlpatterns]
