from django.urls import path

from . import cost_views, ddas_views, views

app_name = "reporting"

urlpatterns = [
    path("cijfers/", views.dashboard_view, name="dashboard"),
    path(
        "cijfers/download/<slug:slug>.<str:extension>",
        views.table_download,
        name="table-download",
    ),
]

urlpatterns += [
    path("cijfers/kostenverdeling/", cost_views.statement_view, name="cost-statement"),
    path(
        "cijfers/kostenverdeling/<slug:partner>.<str:extension>",
        cost_views.statement_download,
        name="cost-statement-download",
    ),
    path("instellingen/kostenverdeling/", cost_views.cost_key_view, name="cost-key"),
]

urlpatterns += [path("cijfers/ddas/", ddas_views.ddas_export_view, name="ddas-export")]
