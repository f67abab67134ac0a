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


class OutcomeKind(models.TextChoices):
    """What followed for a tenancy, as the landlord registers it (ADR 0106).

    DDAS v1.2 has no vocabulary for what happens after vroegsignalering; these are the steps of
    the collection and eviction route the covenant's art. 1.13 is about, in the landlords' own
    words. The ``-`` slugs are the API values.
    """

    ARREARS_SETTLED = "huurschuld-voldaan", _("Huurschuld voldaan")
    PAYMENT_PLAN = "betalingsregeling", _("Betalingsregeling getroffen")
    BAILIFF = "deurwaarder", _("Overgedragen aan de deurwaarder")
    JUDGMENT = "vonnis", _("Vonnis van de rechter")
    EVICTION_ANNOUNCED = "ontruiming-aangezegd", _("Ontruiming aangezegd")
    EVICTION_CALLED_OFF = "ontruiming-afgeblazen", _("Ontruiming afgeblazen")
    EVICTION_EXECUTED = "ontruiming-uitgevoerd", _("Ontruiming uitgevoerd")
    TENANT_LEFT = "vertrokken", _("Huurder vertrokken")


# The outcomes the Sluitende Aanpak is a condition for, and the question whose verklaring counts.
VERKLARING_QUESTION: dict[str, str] = {
    OutcomeKind.BAILIFF: Question.BAILIFF,
    OutcomeKind.EVICTION_ANNOUNCED: Question.EVICTION,
    OutcomeKind.EVICTION_EXECUTED: Question.EVICTION,
}


class WithdrawReason(models.TextChoices):
    # A choice, not free text: the reason never carries more about the tenant (data minimisation).
    MISTAKE = "vergissing", _("Per vergissing vastgelegd")
    WRONG_TENANT = "verkeerde-huurder", _("Bij de verkeerde huurder vastgelegd")
    WRONG_DETAILS = "verkeerde-gegevens", _("Verkeerde uitkomst of datum (de juiste volgt)")


class TenancyOutcomeQuerySet(models.QuerySet):
    def for_user(self, user) -> TenancyOutcomeQuerySet:
        """A landlord sees the outcomes it registered itself; the municipality's regie those in
        its municipalities; nobody else any (beleid sees figures only)."""
        if not getattr(user, "is_authenticated", False) or user.organisation_id is None:
            return self.none()
        if user.has_perm("cases.view_all_cases") and user.organisation.is_municipality:
            return self.filter(municipality_id__in=user.organisation.municipality_ids())
        if user.has_perm("safeguards.record_outcome") and user.organisation.is_landlord:
            return self.filter(organisation_id=user.organisation_id)
        return self.none()

    def in_force(self) -> TenancyOutcomeQuerySet:
        return self.filter(withdrawal__isnull=True)

    def without_valid_verklaring(self) -> TenancyOutcomeQuerySet:
        """Bailiff hand-overs and evictions for which no valid verklaring existed that day."""
        return self.in_force().filter(verklaring_valid=False)


class TenancyOutcome(models.Model):
    """One outcome a landlord registered for its own tenancy: what, on which day, and whether a
    valid verklaring Sluitende Aanpak existed that day.

    Append-only (a database trigger refuses changing what was registered); a mistake is
    withdrawn with an ``OutcomeWithdrawal``, which keeps the row and says who withdrew it, when
    and why. Holds no free text: the kind and the date are all a landlord says.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tenancy = models.ForeignKey("cases.Tenancy", on_delete=models.PROTECT, related_name="outcomes")
    # The landlord and the municipality, kept beside the tenancy so the figures need no join
    # and survive the tenancy forgetting its person.
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("uitkomst"), max_length=30, choices=OutcomeKind.choices)
    occurred_on = models.DateField(_("datum"))
    # Null when the kind needs no verklaring (arrears settled, a payment plan, ...).
    verklaring_valid = models.BooleanField(_("geldige verklaring"), null=True)
    attestation = models.ForeignKey(
        Attestation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = TenancyOutcomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("uitkomst huurrelatie")
        verbose_name_plural = _("uitkomsten huurrelaties")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["kind", "occurred_on"], name="outcome_kind_date"),
        ]
        permissions = [
            ("record_outcome", "Mag uitkomsten vastleggen voor eigen huurders"),
        ]

    def __str__(self) -> str:
        return f"uitkomst {self.public_id}"

    @property
    def needs_verklaring(self) -> bool:
        return self.kind in VERKLARING_QUESTION

    @property
    def withdrawn(self) -> bool:
        return hasattr(self, "withdrawal")


class OutcomeWithdrawal(models.Model):
    """An outcome withdrawn (ingetrokken): the outcome stays, marked, with who, when and why."""

    outcome = models.OneToOneField(
        TenancyOutcome, on_delete=models.PROTECT, related_name="withdrawal"
    )
    reason = models.CharField(_("reden"), max_length=30, choices=WithdrawReason.choices)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("intrekking uitkomst")
        verbose_name_plural = _("intrekkingen uitkomsten")

    def __str__(self) -> str:
        return f"intrekking {self.outcome_id}"
