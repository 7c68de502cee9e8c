from django.urls import path

from . import feeds, views

app_name = "meetings"

urlpatterns = [
    path("", views.calendar_page, name="calendar"),
    path("<int:year>/<int:month>/", views.calendar_page, name="calendar_month"),
    path("<str:meeting_id>/", views.meeting_page, name="meeting"),
    path("<str:meeting_id>/reponse/", views.answer, name="answer"),
    path("<str:meeting_id>/compte-rendu/", views.write_report, name="write_report"),
    path("<str:meeting_id>/invitation.ics", feeds.meeting_ics, name="meeting_ics"),
    path("agenda/<str:key>/mes-reunions.ics", feeds.my_calendar, name="my_calendar"),
    path("agenda/<str:key>/groupe/<str:group_id>.ics", feeds.group_calendar, name="group_calendar"),
    path(
        "agenda/<str:key>/programme/<str:programme_id>.ics",
        feeds.programme_calendar,
        name="programme_calendar",
    ),
]
