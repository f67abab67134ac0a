"""Sluitende Aanpak: the rules' configuration, every check asked, and attestations."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from meldpunt.privacy.fields import EncryptedTextField


class Question(models.TextChoices):
    BAILIFF = "deurwaarder", _("Mag deze huurschuld naar de deurwaarder?")
    EVICTION = "ontruiming", _("Mag deze huurder om huurschuld ontruimd worden?")


class Outcome(models.TextChoices):
    ALLOWED = "toegestaan", _("Toegestaan")
    NOT_ALLOWED = "niet-toegestaan", _("Niet toegestaan")
    REFUSED = "geweigerd", _("Geen antwoord: niet uw huurder")


class WeightyGround(models.TextChoices):
    NONE = "", _("Geen")
    HOUSING_FRAUD = "woonfraude", _("Woonfraude")
    NUISANCE = "overlast", _("Langdurige overlast")


class RuleConfig(models.Model):
    """The configurable numbers of the rules. Append-only: the newest row is in force.

    Each row records who changed the configuration and when (functioneel beheer).
    """

    max_age_months = models.PositiveSmallIntegerField(_("instrument telt (maanden)"), default=12)
    min_attempts = models.PositiveSmallIntegerField(_("minimum contactpogingen"), default=3)
    min_days = models.PositiveSmallIntegerField(_("op minimaal zoveel dagen"), default=3)
    min_home_visits = models.PositiveSmallIntegerField(_("waarvan huisbezoeken"), default=1)
    min_refusals = models.PositiveSmallIntegerField(_("minimum weigeringen"), default=1)
    landlord_needs_terms = models.BooleanField(
        _("eigen afspraak van de verhuurder telt alleen met afspraken en eerste vervaldatum"),
        default=True,
    )
    pending_until_first_due = models.BooleanField(
        _("een afspraak loopt tot haar eerste vervaldatum is verstreken"), default=True
    )
    broken_needs_missed_due = models.BooleanField(
        _("niet nagekomen telt pas na een gemiste vervaldatum"), default=True
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("instelling Sluitende Aanpak")
        verbose_name_plural = _("instellingen Sluitende Aanpak")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"instellingen van {self.changed_at:%Y-%m-%d}"


class SafeguardCheckQuerySet(models.QuerySet):
    def for_user(self, user) -> SafeguardCheckQuerySet:
        """A landlord sees the checks its own organisation asked; the municipality's regie all."""
        if not getattr(user, "is_authenticated", False) or user.organisation_id is None:
            return self.none()
        if user.has_perm("cases.view_all_cases") and user.organisation.is_municipality:
            return self.filter(municipality_id__in=user.organisation.municipality_ids())
        if user.has_perm("safeguards.ask_check") and user.organisation.is_partner:
            return self.filter(organisation_id=user.organisation_id)
        return self.none()


class SafeguardCheck(models.Model):
    """One question asked and answered: who, when, about whom (pseudonymised), on what facts."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    question = models.CharField(_("vraag"), max_length=20, choices=Question.choices)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(_("gevraagd op"), auto_now_add=True)
    asked_on = models.DateField(_("peildatum"))
    subject_id = models.UUIDField(_("betrokkene (pseudoniem)"), db_index=True)
    signal = models.ForeignKey(
        "cases.Signal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The tenancy (landlord + tenant) the question is about; its facts are the only ones that
    # count (docs/adr/0008-case-file.md).
    tenancy = models.ForeignKey(
        "cases.Tenancy", null=True, blank=True, on_delete=models.SET_NULL, related_name="checks"
    )
    # The municipality that answers (its regie sees the check; its name is on the verklaring).
    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    partner_reference = models.CharField(_("referentie verhuurder"), max_length=60, blank=True)
    outcome = models.CharField(_("antwoord"), max_length=20, choices=Outcome.choices)
    rows = models.JSONField(_("toegepaste regels"), default=list)
    fact_ids = models.JSONField(_("feiten"), default=list)
    explanation = models.TextField(_("toelichting"))
    listed = models.JSONField(_("vermeld in de verklaring"), default=list)
    weighty_ground = models.CharField(
        _("zwaarwegende grond"), max_length=20, choices=WeightyGround.choices, blank=True
    )
    justification = EncryptedTextField(null=True, blank=True)
    config = models.JSONField(_("instellingen"), default=dict)

    objects = SafeguardCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("toets Sluitende Aanpak")
        verbose_name_plural = _("toetsen Sluitende Aanpak")
        ordering = ["-asked_at", "-id"]
        permissions = [
            ("ask_check", "Mag de toets Sluitende Aanpak vragen voor eigen huurders"),
            ("revoke_attestation", "Mag een verklaring Sluitende Aanpak intrekken"),
        ]

    def __str__(self) -> str:
        return f"toets {self.public_id}"

    @property
    def allowed(self) -> bool:
        return self.outcome == Outcome.ALLOWED

    @property
    def listed_lines(self) -> list[dict]:
        """The listed lines with real dates, for display as dd-mm-jjjj."""
        return [
            {**line, "on": date.fromisoformat(line["on"]) if line.get("on") else None}
            for line in self.listed
        ]


def code_digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


class Attestation(models.Model):
    """A verklaring Sluitende Aanpak for an allowed check, with its verification code.

    Only the SHA-256 digest of the code is looked up; the code itself is kept encrypted so the
    landlord can print the verklaring again.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    check_record = models.OneToOneField(
        SafeguardCheck, on_delete=models.PROTECT, related_name="attestation"
    )
    code_digest = models.CharField(max_length=64, unique=True)
    code = EncryptedTextField()
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.CharField(_("reden intrekking"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("verklaring Sluitende Aanpak")
        verbose_name_plural = _("verklaringen Sluitende Aanpak")

    def __str__(self) -> str:
        return f"verklaring {self.public_id}"
