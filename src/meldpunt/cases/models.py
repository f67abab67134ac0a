"""Cases (vroegsignaalzaken): one per tenant household, holding one or more signals."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .workflow import CaseStatus


class Track(models.TextChoices):
    VROEG_EROPAF = "vroeg-eropaf", _("Vroeg Eropaf")
    GEREGELDE_BETALING = "geregelde-betaling", _("Geregelde betaling")


class CaseQuerySet(models.QuerySet):
    def for_user(self, user) -> CaseQuerySet:
        """The cases this user may see: the municipality's regie all, a provider its own."""
        if not getattr(user, "is_authenticated", False) or user.organisation_id is None:
            return self.none()
        if user.has_perm("cases.view_all_cases") and user.organisation.is_municipality:
            return self.all()
        if user.has_perm("cases.view_assigned_case") and user.organisation.is_provider:
            return self.filter(provider_id=user.organisation_id)
        return self.none()


class Case(models.Model):
    """A case (vroegsignaalzaak) for one tenant household."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subject_id = models.UUIDField(_("betrokkene (pseudoniem)"), db_index=True)
    household_index = models.CharField(max_length=40, db_index=True)
    status = models.CharField(
        _("status"), max_length=30, choices=CaseStatus.choices, default=CaseStatus.RECEIVED
    )
    track = models.CharField(_("route"), max_length=30, choices=Track.choices, blank=True)
    district = models.ForeignKey(
        "organisations.District", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    provider = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("uitvoerder"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
    )
    routing_reason = models.CharField(_("reden toewijzing"), max_length=200, blank=True)
    crisis = models.BooleanField(_("crisissignaal"), default=False)
    opened_at = models.DateTimeField(_("geopend"), auto_now_add=True)
    assigned_at = models.DateTimeField(_("toegewezen"), null=True, blank=True)
    picked_up_on = models.DateField(_("datum opgepakt"), null=True, blank=True)
    closed_at = models.DateTimeField(_("afgesloten"), null=True, blank=True)
    end_result = models.CharField(_("eindresultaat"), max_length=80, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("zaak")
        verbose_name_plural = _("zaken")
        ordering = ["-crisis", "opened_at", "id"]
        permissions = [
            ("view_all_cases", "Mag alle zaken zien (regie)"),
            ("view_assigned_case", "Mag de aan de eigen organisatie toegewezen zaken zien"),
            ("view_statistics", "Mag geaggregeerde cijfers zien"),
        ]
        indexes = [models.Index(fields=["provider", "status"])]

    def __str__(self) -> str:
        return f"zaak {self.public_id}"

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED


class CaseStatusChange(models.Model):
    """Append-only history of a case's status: who, when, why. Never edited or deleted."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("reden"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("statuswijziging")
        verbose_name_plural = _("statusgeschiedenis")

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"
