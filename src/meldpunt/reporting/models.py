"""The figures behind the dashboards: counts per month and dimension, without personal data.

A read model: ``figures.figures_refresh`` recomputes the rows of a month from the case file
(every quarter of an hour for the recent months, nightly in full); dashboards and downloads sum
them, so they answer fast on a million cases and never touch personal data
(docs/adr/0011-figures.md).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class Figure(models.Model):
    """One count: ``value`` of ``measure`` (with ``key``, e.g. a reason or a day count) in one
    month, for one combination of dimensions. A dimension left empty means "all" for measures
    that are not additive over it (a case with signals of several partners counts for each
    partner, and once in the row without a partner)."""

    month = models.DateField()  # the first day of the month
    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    measure = models.CharField(max_length=40)
    key = models.CharField(max_length=80, blank=True)
    partner = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    partner_type = models.CharField(max_length=30, blank=True)
    district = models.ForeignKey(
        "organisations.District", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    provider = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    track = models.CharField(max_length=30, blank=True)
    value = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["municipality", "measure", "month"], name="figure_lookup"),
            # The dashboard without a breakdown sums the rows "all partners" (about one in
            # eight): read from this covering index alone, without the partner rows (6x
            # faster on a million cases' figures; docs/scaling.md).
            models.Index(
                fields=["municipality", "month", "measure", "key", "value"],
                condition=models.Q(partner__isnull=True, partner_type=""),
                name="figure_totals",
            ),
        ]
        # On this model because the reporting app has no model of the delivery itself.
        permissions = [
            ("export_ddas", "Mag de DDAS-levering aan het CBS downloaden (MFA verplicht)")
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.month:%Y-%m}"


class FiguresRefresh(models.Model):
    """When the figures of which months were last recomputed (shown on the dashboard)."""

    month = models.DateField(unique=True)
    refreshed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"cijfers {self.month:%Y-%m}"


class CostMethod(models.TextChoices):
    """How the costs of handling the signals are divided (covenant art. 8.1, kostenverdeelsleutel)."""

    PER_SIGNAL = "per-signaal", _("Naar rato van het aantal signalen")
    PER_CASE = "per-zaak", _("Naar rato van het aantal zaken")
    FIXED = "vast", _("Vaste verdeling (percentages)")


class CostKey(models.Model):
    """A municipality's cost key: the method and the yearly costs to divide among the signal
    partners. Set by functioneel beheer; every change is in ConfigurationChange."""

    municipality = models.OneToOneField(
        "organisations.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    method = models.CharField(
        _("verdeelsleutel"),
        max_length=20,
        choices=CostMethod.choices,
        default=CostMethod.PER_SIGNAL,
    )
    yearly_amount = models.DecimalField(
        _("kosten per jaar (euro)"), max_digits=12, decimal_places=2, default=Decimal(0)
    )
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"kostenverdeling {self.municipality_id}"


class CostShare(models.Model):
    """A partner's fixed percentage under the method ``vast``."""

    cost_key = models.ForeignKey(CostKey, on_delete=models.CASCADE, related_name="shares")
    partner = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    percentage = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cost_key", "partner"], name="one_share_per_partner")
        ]

    def __str__(self) -> str:
        return f"{self.percentage}%"
