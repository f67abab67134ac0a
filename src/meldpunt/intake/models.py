"""Deliveries of signals (files, API batches), the intake's thresholds and its exactly-once records.

The signal itself belongs to the case file (``meldpunt.cases.models.Signal``, docs/adr/0008).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from meldpunt.organisations.models import PartnerType

# Defaults per kind of signal partner (months, minimum amount); every municipality changes them
# on screen (functioneel beheer). Most municipalities use a minimum amount (Divosa 2024: €75).
THRESHOLD_DEFAULTS: dict[str, tuple[int, int]] = {
    PartnerType.HUUR: (2, 75),
    PartnerType.ZORG: (2, 75),
    PartnerType.CAK_ZORGVERZEKERINGEN: (2, 75),
    PartnerType.HYPOTHEEK: (2, 75),
}
DEFAULT_THRESHOLD = (1, 75)


class IntakeConfiguration(models.Model):
    """Thresholds of the target group and the intake, per municipality and kind of signal
    partner (functioneel beheer; art. 3.3, art. 4). Every change is recorded in
    core.ConfigurationChange.
    """

    municipality = models.ForeignKey(
        "organisations.Municipality",
        verbose_name=_("gemeente"),
        on_delete=models.CASCADE,
        related_name="intake_configurations",
    )
    partner_type = models.CharField(
        _("soort signaalpartner"),
        max_length=30,
        choices=PartnerType.choices,
        default=PartnerType.HUUR,
    )
    months_of_arrears = models.DecimalField(
        _("maanden achterstand die zeker meetellen"), max_digits=4, decimal_places=1, default=2
    )
    minimum_amount = models.DecimalField(
        _("minimaal achterstandsbedrag (euro)"), max_digits=9, decimal_places=2, default=75
    )
    repeat_window_days = models.PositiveIntegerField(
        _("venster herhaalde melding (dagen)"), default=92
    )
    auto_route = models.BooleanField(
        _("automatisch toewijzen aan de uitvoerder van het stadsdeel"), default=True
    )

    class Meta:
        verbose_name = _("intake-instellingen")
        verbose_name_plural = _("intake-instellingen")
        ordering = ["municipality", "partner_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "partner_type"], name="intake_configuration_once"
            )
        ]

    def __str__(self) -> str:
        return f"intake-instellingen {self.partner_type}"

    @classmethod
    def current(cls, municipality_id: int, partner_type: str) -> IntakeConfiguration:
        """The row in force for this municipality and kind of partner (made with the defaults)."""
        months, amount = THRESHOLD_DEFAULTS.get(partner_type, DEFAULT_THRESHOLD)
        config, _created = cls.objects.get_or_create(
            municipality_id=municipality_id,
            partner_type=partner_type,
            defaults={"months_of_arrears": months, "minimum_amount": amount},
        )
        return config


class SignalImportQuerySet(models.QuerySet):
    def for_user(self, user) -> SignalImportQuerySet:
        """A landlord sees its own deliveries; nobody else sees any (they hold no decisions)."""
        if not getattr(user, "is_authenticated", False) or user.organisation_id is None:
            return self.none()
        if user.has_perm("intake.submit_signal") and user.organisation.is_partner:
            return self.filter(partner_id=user.organisation_id)
        return self.none()


class SignalImport(models.Model):
    """One delivered file (or API batch) and how far its processing got."""

    class Status(models.TextChoices):
        QUEUED = "wachtrij", _("In de wachtrij")
        RUNNING = "bezig", _("Wordt verwerkt")
        DONE = "klaar", _("Verwerkt")
        REFUSED = "geweigerd", _("Bestand geweigerd")
        FAILED = "mislukt", _("Mislukt")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="imports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(_("bestandsnaam"), max_length=200)
    file_sha256 = models.CharField(max_length=64, blank=True)
    stored_file = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    message = models.CharField(_("melding"), max_length=500, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    accepted = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    already_received = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = SignalImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("aanlevering")
        verbose_name_plural = _("aanleveringen")
        # Submitting and triaging signals is what the intake does; the permissions keep their
        # names ("intake.submit_signal") although the signal record moved to the case file.
        permissions = [
            ("submit_signal", "Mag signalen melden voor eigen huurders"),
            ("triage_signal", "Mag signalen trieren en toewijzen"),
        ]

    def __str__(self) -> str:
        return f"aanlevering {self.public_id}"

    @property
    def percent(self) -> int:
        if self.status in (self.Status.DONE, self.Status.REFUSED):
            return 100
        if not self.rows_total:
            return 0
        return min(99, int(100 * self.rows_done / self.rows_total))


class ImportRowResult(models.Model):
    """A row of an import that was not simply accepted: refused (with reasons) or a repeat.

    ``row`` is the line where the record starts in the file (files.SignalFile). Reasons name
    fields and rules, never the values delivered; the one value kept is the partner's own
    reference, so the clerk finds the row in the landlord's system (docs/adr/0116).
    ``errors`` holds ``{"field": name, "message": text}`` per reason (``field`` empty for a
    reason about the whole line).
    """

    batch = models.ForeignKey(SignalImport, on_delete=models.CASCADE, related_name="row_results")
    row = models.PositiveIntegerField()
    reference = models.CharField(_("referentie verhuurder"), max_length=60, blank=True)
    status = models.CharField(max_length=10)
    errors = models.JSONField(default=list)

    class Meta:
        ordering = ["row"]
        constraints = [models.UniqueConstraint(fields=["batch", "row"], name="one_result_per_row")]

    def __str__(self) -> str:
        return f"regel {self.row}: {self.status}"


class ImportLines(models.Model):
    """Where every row of one written batch of an import stood in the file, and its reference.

    One record per batch (thousands of rows), not one per row: the intake's throughput
    (docs/adr/0007) pays for a few kilobytes per batch, and the report names every row
    (docs/adr/0116). ``lines`` and ``references`` run in parallel, in file order.
    """

    batch = models.ForeignKey(SignalImport, on_delete=models.CASCADE, related_name="lines")
    first_line = models.PositiveIntegerField()
    lines = models.JSONField(default=list)
    references = models.JSONField(default=list)

    class Meta:
        ordering = ["batch", "first_line"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "first_line"], name="import_lines_once")
        ]

    def __str__(self) -> str:
        return f"regels vanaf {self.first_line}"


class IdempotencyRecord(models.Model):
    """The answer given to an API call with an Idempotency-Key, to give again on a retry."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="idempotency_once")
        ]

    def __str__(self) -> str:
        return f"idempotentie {self.pk}"
