from django.urls import path

from . import views

app_name = "safeguards"
urlpatterns = [
    path(
        "verhuurder/signalen/<uuid:public_id>/toets/<slug:question>",
        views.check_ask,
        name="check-ask",
    ),
    path("toetsen/<uuid:public_id>", views.check_detail, name="check-detail"),
    path("toetsen/<uuid:public_id>/verklaring", views.attestation_detail, name="attestation"),
    path(
        "toetsen/<uuid:public_id>/intrekken",
        views.attestation_revoke_view,
        name="attestation-revoke",
    ),
    path("instellingen/sluitende-aanpak", views.rule_config, name="rule-config"),
    path("verificatie/", views.verify, name="verify-form"),
    path("verificatie/<str:code>", views.verify, name="verify"),
]
