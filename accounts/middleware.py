from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers


class IntranetLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Every page of the intranet needs a logged-in user.

    Django's middleware already lets through the views marked
    ``login_not_required`` (login, password reset). The Wagtail admin is left to
    its own authentication, which sends anonymous users to the admin login
    form and checks admin access on every view.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(reverse("wagtailadmin_home")):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class PrivateResponsesMiddleware:
    """Whatever is answered to a logged-in person is for them alone: ``Cache-Control: private``, so
    that no shared cache (a proxy, a CDN) keeps a member's page for the next visitor. A response that
    already forbids storing (``no-store``, documents) keeps its stricter policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if "no-store" not in response.get("Cache-Control", ""):
                patch_cache_control(response, private=True, no_cache=True)
                if "public" in response.get("Cache-Control", ""):
                    response["Cache-Control"] = ", ".join(
                        part.strip()
                        for part in response["Cache-Control"].split(",")
                        if part.strip() != "public"
                    )
            patch_vary_headers(response, ["Cookie"])
        return response
