from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("<str:meeting_id>/", views.meeting_page, name="meeting"),
]
