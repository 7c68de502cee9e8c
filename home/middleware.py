from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.urls import reverse


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
