from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notifications_page, name="list"),
    path("choix/", views.preferences, name="preferences"),
    path("suivre/<str:page_id>/", views.follow, name="follow"),
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
