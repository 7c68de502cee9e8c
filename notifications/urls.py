from django.urls import path

from . import feeds, views

app_name = "notifications"

urlpatterns = [
    path("", views.notifications_page, name="list"),
    path("choix/", views.preferences, name="preferences"),
    path("suivre/<str:page_id>/", views.follow, name="follow"),
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("flux/nouvelle-adresse/", views.change_feed_key, name="change_feed_key"),
    path("flux/<str:key>/notifications/", feeds.notifications_feed, name="notifications_feed"),
    path("flux/<str:key>/groupe/<str:group_id>/", feeds.group_feed, name="group_feed"),
    path("flux/<str:key>/programme/<str:programme_id>/", feeds.programme_feed, name="programme_feed"),
]
