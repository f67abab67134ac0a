from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for ``make run`` (demo mode only): the top layer, it may use every app."""

    name = "meldpunt.demo"
    label = "demo"
    verbose_name = "Demo"
