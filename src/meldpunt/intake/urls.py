from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("signalen/nieuw", views.signal_create, name="signal-create"),
    path("signalen", views.signal_list, name="signal-list"),
    path("triage", views.triage, name="triage"),
]
