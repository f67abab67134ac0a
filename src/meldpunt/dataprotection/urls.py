from django.urls import path

from . import views

app_name = "dataprotection"
urlpatterns = [
    path("bewaartermijnen", views.retention_settings, name="retention"),
    path("inzageverzoek", views.access_request, name="access-request"),
    path("verwerkingslog/persoon", views.log_person_search, name="log-person-search"),
    path("inzageverzoek/export", views.access_request_download, name="access-request-export"),
]
