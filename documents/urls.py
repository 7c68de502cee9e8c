from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("", views.library, name="library"),
    path("acces/demander/", views.request_access, name="request_access"),
    path("acces/mes-demandes/", views.my_requests, name="my_requests"),
    path("acces/<int:pk>/retirer/", views.withdraw, name="withdraw"),
]
