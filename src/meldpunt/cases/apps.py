from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "meldpunt.cases"
    label = "cases"
    verbose_name = "Zaken"
