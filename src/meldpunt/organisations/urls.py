from django.urls import path

from . import views

app_name = "organisations"
urlpatterns = [
    path("instellingen/routering", views.routing, name="routing"),
    path(
        "instellingen/routering/uitzonderingen/<int:pk>/verwijderen",
        views.exception_delete,
        name="exception-delete",
    ),
]
