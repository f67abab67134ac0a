"""The figures behind the dashboards: counts per month and dimension, without personal data.

A read model: ``figures.figures_refresh`` recomputes the rows of a month from the case file
(every quarter of an hour for the recent months, nightly in full); dashboards and downloads sum
them, so they answer fast on a million cases and never touch personal data
(docs/adr/0011-figures.md).
"""

from __future__ import annotations

from django.db import models


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
        indexes = [models.Index(fields=["municipality", "measure", "month"], name="figure_lookup")]

    def __str__(self) -> str:
        return f"{self.measure} {self.month:%Y-%m}"


class FiguresRefresh(models.Model):
    """When the figures of which months were last recomputed (shown on the dashboard)."""

    month = models.DateField(unique=True)
    refreshed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"cijfers {self.month:%Y-%m}"
