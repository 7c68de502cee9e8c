from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.calendar_page, name="calendar"),
    path("<int:year>/<int:month>/", views.calendar_page, name="calendar_month"),
    path("<str:meeting_id>/", views.meeting_page, name="meeting"),
    path("<str:meeting_id>/reponse/", views.answer, name="answer"),
    path("<str:meeting_id>/compte-rendu/", views.write_report, name="write_report"),
]
