from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("verwerkingsregister", views.register_list, name="register-list"),
    path("verwerkingsregister/<slug:code>", views.register_edit, name="register-edit"),
    path("verwerkingslog", views.log_search, name="log-search"),
    path("verwerkingslog/export", views.log_export, name="log-export"),
]
