from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("organisatie/api-koppelingen", views.api_clients, name="api-clients"),
    path(
        "organisatie/api-koppelingen/<int:pk>/intrekken",
        views.api_client_revoke,
        name="api-client-revoke",
    ),
]
