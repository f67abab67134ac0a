from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("cijfers/", views.dashboard_view, name="dashboard"),
    path(
        "cijfers/download/<slug:slug>.<str:extension>",
        views.table_download,
        name="table-download",
    ),
]
