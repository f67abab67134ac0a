from django.urls import path

from . import income_views, views

app_name = "cases"
urlpatterns = [
    path("zaken", views.case_list, name="case-list"),
    path("zaken/zoeken", views.case_search, name="case-search"),
    path("zaken/termijnen", views.overdue_list, name="overdue"),
    path("zaken/team", views.team, name="team"),
    path("geregelde-betaling", income_views.income_overview, name="income-overview"),
    path(
        "zaken/<uuid:public_id>/geregelde-betaling",
        income_views.income_arrangement,
        name="income-arrangement",
    ),
    path("zaken/huisbezoeken", views.visit_day, name="visit-day"),
    path("zaken/brieven", views.letter_day, name="letter-day"),
    path("zaken/brieven/<uuid:public_id>.pdf", views.letter_pdf, name="letter-pdf"),
    path("instellingen/brieven", views.letter_templates, name="letter-templates"),
    path("instellingen/afwegingskader", views.frame_config, name="frame-config"),
    path("instellingen/brieven/<slug:code>", views.letter_template_edit, name="letter-template"),
    path("zaken/<uuid:public_id>", views.case_detail, name="case-detail"),
    path("zaken/<uuid:public_id>/toewijzen", views.case_assign_view, name="case-assign"),
    path("zaken/<uuid:public_id>/oppakken", views.case_pick_up_view, name="case-pick-up"),
    path("zaken/<uuid:public_id>/zelf-toewijzen", views.case_take_view, name="case-take"),
    path("zaken/<uuid:public_id>/contactpoging", views.attempt_create, name="attempt-create"),
    path("zaken/<uuid:public_id>/huisbezoek", views.visit_plan_create, name="visit-plan"),
    path("zaken/<uuid:public_id>/brief", views.letter_create, name="letter-create"),
    path("zaken/<uuid:public_id>/instrument", views.deploy_create, name="deploy-create"),
    path("zaken/<uuid:public_id>/gebeurtenis", views.event_create, name="event-create"),
    path("zaken/<uuid:public_id>/notitie", views.note_create, name="note-create"),
    path("zaken/<uuid:public_id>/afsluiten", views.close_create, name="close-create"),
    path(
        "verhuurder/signalen/<uuid:public_id>",
        views.landlord_signal_detail,
        name="landlord-signal",
    ),
]
