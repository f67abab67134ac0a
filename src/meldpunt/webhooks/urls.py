from django.urls import path

from . import views

app_name = "webhooks"
urlpatterns = [
    path("organisatie/webhooks", views.webhooks_view, name="webhooks"),
    path("organisatie/webhooks/<uuid:public_id>/afmelden", views.webhook_stop, name="webhook-stop"),
]
