"""Records shared by the apps: the history of configuration changes."""

from django.conf import settings
from django.db import models


class ConfigurationChange(models.Model):
    """Who changed which setting, when, from what to what (settings hold no personal data).

    Shared by every app with configuration on screens (intake thresholds, routing).
    """

    # Whose configuration: a municipality's CBS code ("0363"); "" for the whole installation.
    scope = models.CharField(max_length=4, blank=True, db_index=True)
    setting = models.CharField(max_length=80)
    old_value = models.CharField(max_length=200)
    new_value = models.CharField(max_length=200)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]
        db_table = "intake_configurationchange"  # the table the intake created

    def __str__(self) -> str:
        return f"{self.setting}: {self.old_value} → {self.new_value}"
