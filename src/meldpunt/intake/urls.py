from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("signalen/nieuw", views.signal_create, name="signal-create"),
    path("signalen", views.signal_list, name="signal-list"),
    path("triage", views.triage, name="triage"),
    path("triage/beoordeling", views.review, name="review"),
    path("signalen/aanleveren", views.upload, name="upload"),
    path("signalen/aanleveringen/<uuid:public_id>", views.upload_detail, name="upload-detail"),
    path(
        "signalen/aanleveringen/<uuid:public_id>/rapport.csv",
        views.upload_report,
        name="upload-report",
    ),
    path("signalen/sjabloon.csv", views.template_download, name="template"),
    path("instellingen/intake", views.configuration, name="configuration"),
]
