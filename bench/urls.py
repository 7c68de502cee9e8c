"""The project's URLs plus the ceiling: the smallest Django view, served the same way."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from intranet.urls import urlpatterns as project_urlpatterns
from sitewide.page_cache import keep_frame, rights


@login_not_required
def ceiling(request):
    return HttpResponse(b"ok", content_type="text/plain")


def frame(request):
    """The cheapest page a member can be shown: the intranet's frame (header with the menu, the unread
    count and the language switcher, footer, user bar) around no content, through every middleware.
    It is prepared as a member page is before its view (sitewide/page_cache.py: the person's rights, the
    frame kept for the shared generation), but never cached: no member page can be rendered faster than
    this one, the floor the pages' figures are read against."""
    rights(request)
    keep_frame(request)
    return render(request, "base.html", {})


urlpatterns = [path("bench/ceiling", ceiling), path("bench/frame", frame), *project_urlpatterns]
