from django.urls import path

from . import tenancy_views, views

app_name = "safeguards"
urlpatterns = [
    path(
        "verhuurder/signalen/<uuid:public_id>/toets/<slug:question>",
        tenancy_views.check_ask_for_signal,
        name="check-ask",
    ),
    path("verhuurder/huurders", tenancy_views.tenancy_list, name="tenancy-list"),
    path("verhuurder/huurders/nieuw", tenancy_views.tenancy_register_view, name="tenancy-register"),
    path("verhuurder/huurders/<uuid:public_id>", tenancy_views.tenancy_detail, name="tenancy"),
    path(
        "verhuurder/huurders/<uuid:public_id>/instrument",
        tenancy_views.landlord_instrument_create,
        name="landlord-instrument-create",
    ),
    path(
        "verhuurder/huurders/<uuid:public_id>/afspraak",
        tenancy_views.landlord_event_create,
        name="landlord-event-create",
    ),
    path(
        "verhuurder/huurders/<uuid:public_id>/toets/<slug:question>",
        tenancy_views.check_ask,
        name="tenancy-check-ask",
    ),
    path(
        "verhuurder/huurders/<uuid:public_id>/uitkomst",
        tenancy_views.tenancy_outcome,
        name="tenancy-outcome",
    ),
    path(
        "verhuurder/huurders/<uuid:public_id>/uitkomst/intrekken",
        tenancy_views.tenancy_outcome_withdraw,
        name="tenancy-outcome-withdraw",
    ),
    path(
        "uitkomsten-zonder-verklaring",
        tenancy_views.outcomes_without_verklaring,
        name="outcomes-without-verklaring",
    ),
    path(
        "verhuurder-instrumenten",
        tenancy_views.landlord_instruments,
        name="landlord-instruments",
    ),
    path("toetsen/<uuid:public_id>", views.check_detail, name="check-detail"),
    path("toetsen/<uuid:public_id>/verklaring", views.attestation_detail, name="attestation"),
    path("toetsen/<uuid:public_id>/verklaring.pdf", views.attestation_pdf, name="attestation-pdf"),
    path(
        "toetsen/<uuid:public_id>/intrekken",
        views.attestation_revoke_view,
        name="attestation-revoke",
    ),
    path("instellingen/sluitende-aanpak", views.rule_config, name="rule-config"),
    path("verificatie/", views.verify, name="verify-form"),
    path("verificatie/<str:code>", views.verify, name="verify"),
]
