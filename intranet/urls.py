from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access

from accounts import views as account_views
from accounts.forms import IntranetAuthenticationForm, IntranetPasswordResetForm
from documents import views as documents_views
from languages.i18n import set_language
from search import views as search_views
from sitewide import views as sitewide_views

account_patterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=IntranetAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "mot-de-passe/oublie/",
        account_views.ThrottledPasswordResetView.as_view(form_class=IntranetPasswordResetForm),
        name="password_reset",
    ),
    path(
        "mot-de-passe/oublie/envoye/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("mon-compte/", account_views.profile, name="profile"),
    path("mot-de-passe/changer/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "mot-de-passe/changer/termine/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]

urlpatterns = account_patterns + [
    path("healthz", sitewide_views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on their own, logged in or not.
    path(
        "favicon.ico",
        sitewide_views.favicon,
        name="favicon",
    ),
    path("langue/", set_language, name="set_language"),
    # Before Wagtail's own (accounts/views.py): the admin's logout answers POST only, names are not
    # edited in one's own account, and the admin's password reset shares the member site's limits.
    path(
        "admin/logout/",
        require_admin_access(account_views.AdminLogoutView.as_view()),
        name="wagtailadmin_logout",
    ),
    path(
        "admin/account/",
        require_admin_access(account_views.AccountView.as_view()),
        name="wagtailadmin_account",
    ),
    path(
        "admin/password_reset/",
        account_views.AdminThrottledPasswordResetView.as_view(),
        name="wagtailadmin_password_reset",
    ),
    path("admin/", include(wagtailadmin_urls)),
    # Documents are served by the library's own view (permission first, then the file), under the
    # name Wagtail uses to build document links; Wagtail's password view is not routed (passwords are off).
    path(
        "documents/<int:document_id>/<str:document_filename>", documents_views.serve, name="wagtaildocs_serve"
    ),
    path("documents/", include("documents.urls")),
    path("search/", search_views.search, name="search"),
    path("notifications/", include("notifications.urls")),
    path("reunions/", include("meetings.urls")),
]

if settings.DEBUG:
    # Development only: production serves static files with whitenoise and images from storage.
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    # Images only: never Wagtail's parked uploads, and library documents are not under MEDIA_ROOT at all.
    for folder in ("original_images/", "images/"):
        urlpatterns += static(settings.MEDIA_URL + folder, document_root=settings.MEDIA_ROOT / folder)

urlpatterns += [
    # Everything else is a Wagtail page: this must stay last.
    path("", include(wagtail_urls)),
]

# A database that does not answer gets the "try again" page (503), anything else the 500 page.
handler500 = "intranet.errors.server_error"
