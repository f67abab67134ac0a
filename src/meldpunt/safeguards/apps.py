from django.apps import AppConfig


class SafeguardsConfig(AppConfig):
    name = "meldpunt.safeguards"
    label = "safeguards"
    verbose_name = "Sluitende Aanpak"
