from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "meldpunt.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        # The outbox is written in the transaction that changed the feedback (cases.signals).
        from meldpunt.cases.signals import feedback_may_have_changed

        from .services import feedback_events_record_for

        feedback_may_have_changed.connect(feedback_events_record_for, dispatch_uid="webhooks")
        from . import panels  # noqa: F401  (registers the home-screen panel, core.home)
