"""Cases (vroegsignaalzaken): one per tenant household, holding one or more signals."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from meldpunt.organisations.models import OrganisationType
from meldpunt.privacy.fields import EncryptedTextField

from .vocabulary import END_RESULT_CHOICES, ContactKind, PartOfDay
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
        if user.has_perm("cases.view_income_cases") and user.organisation.is_municipality:
            return self.filter(track=Track.GEREGELDE_BETALING)
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
    end_result = models.CharField(
        _("eindresultaat"), max_length=80, blank=True, choices=END_RESULT_CHOICES
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("zaak")
        verbose_name_plural = _("zaken")
        ordering = ["-crisis", "opened_at", "id"]
        permissions = [
            ("view_all_cases", "Mag alle zaken zien (regie)"),
            ("view_assigned_case", "Mag de aan de eigen organisatie toegewezen zaken zien"),
            ("view_statistics", "Mag geaggregeerde cijfers zien"),
            ("view_income_cases", "Mag de zaken van de route Geregelde betaling zien"),
            ("work_case", "Mag zaakwerk vastleggen: oppakken, contactpogingen, instrumenten"),
            ("record_own_instrument", "Mag eigen instrumenten vastleggen voor eigen huurders"),
        ]
        indexes = [models.Index(fields=["provider", "status"])]

    def __str__(self) -> str:
        return f"zaak {self.public_id}"

    @property
    def reference(self) -> str:
        """The short case number people say and type ("zaak 3f9c2a71").

        The last eight hex digits: random in every UUID version, whereas the first eight of the
        time-ordered ids the intake gives are shared by cases opened in the same minutes.
        """
        return self.public_id.hex[-8:]

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED


class AppendOnlyError(Exception):
    """An attempt to edit or delete a row of an append-only history."""


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

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise AppendOnlyError("De statusgeschiedenis wordt alleen aangevuld, nooit gewijzigd.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("De statusgeschiedenis wordt nooit verwijderd.")


class ContactAttempt(models.Model):
    """A contact attempt (DDAS Contactpoging): kind, reached yes/no, date, part of day."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attempts")
    kind = models.CharField(_("soort contact"), max_length=20, choices=ContactKind.choices)
    reached = models.BooleanField(_("huurder bereikt"), default=False)
    on = models.DateField(_("datum"))
    part_of_day = models.CharField(_("dagdeel"), max_length=10, choices=PartOfDay.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contactpoging")
        verbose_name_plural = _("contactpogingen")
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"contactpoging {self.public_id}"


class CaseNote(models.Model):
    """A note on other debts and problems (integrated approach). Encrypted; never for landlords."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    text = EncryptedTextField()
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("notitie")
        verbose_name_plural = _("notities")
        ordering = ["written_at", "id"]

    def __str__(self) -> str:
        return f"notitie {self.public_id}"


class InstrumentCategory(models.TextChoices):
    """What a landlord may learn about an instrument: its category, never its content."""

    OUTREACH = "outreach", _("Outreach en huisbezoek")
    PAYMENT_PLAN = "betalingsregeling", _("Betalingsregeling")
    INCOME = "inkomen", _("Inkomen en betaling uit uitkering")
    BUDGET = "budget", _("Budgetadvies, -coaching en -beheer")
    DEBT_HELP = "schuldhulp", _("Schuldhulpverlening en bewind")
    REFERRAL = "doorverwijzing", _("Doorverwijzing en zorg")


class Instrument(models.Model):
    """One entry of the configurable catalogue of instruments (art. 1.13, 7)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("naam"), max_length=120)
    category = models.CharField(_("categorie"), max_length=30, choices=InstrumentCategory.choices)
    allowed_organisation_types = models.JSONField(
        _("mag worden ingezet door"),
        default=list,
        help_text=_("Soorten organisatie: gemeente, partner, uitvoerder."),
    )
    counts_through_attempts = models.BooleanField(
        _("telt via contactpogingen"),
        default=False,
        help_text=_(
            "Vroeg Eropaf-outreach telt pas als het minimum aan contactpogingen is gehaald."
        ),
    )
    has_agreements = models.BooleanField(
        _("kent afspraken die worden nagekomen of verbroken"), default=False
    )
    kept_while_running = models.BooleanField(
        _("geldt als nagekomen zolang het loopt"),
        default=False,
        help_text=_("Bijvoorbeeld Geregelde betaling: de huur wordt ingehouden zolang het loopt."),
    )
    has_monthly_amount = models.BooleanField(_("met maandbedrag"), default=False)
    is_active = models.BooleanField(_("actief"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instrumenten (catalogus)")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def may_be_deployed_by(self, organisation) -> bool:
        return (
            self.is_active
            and not self.counts_through_attempts
            and organisation.type in self.allowed_organisation_types
        )


class InstrumentDeploymentQuerySet(models.QuerySet):
    def for_household(self, household_index: str) -> InstrumentDeploymentQuerySet:
        return self.filter(case__household_index=household_index)


class InstrumentDeployment(models.Model):
    """An instrument deployed for a tenant household: by whom, when, which agreements."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="deployments")
    signal = models.ForeignKey(
        "intake.Signal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The landlord's own signal through which the tenant was identified.",
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    deployed_on = models.DateField(_("datum inzet"))
    ended_on = models.DateField(_("beëindigd op"), null=True, blank=True)
    agreements = EncryptedTextField(null=True, blank=True)
    monthly_amount = EncryptedTextField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = InstrumentDeploymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("inzet van een instrument")
        verbose_name_plural = _("inzet van instrumenten")
        ordering = ["deployed_on", "id"]

    def __str__(self) -> str:
        return f"inzet {self.public_id}"

    @property
    def deployed_by_landlord(self) -> bool:
        return self.organisation.type == OrganisationType.PARTNER


class InstrumentEvent(models.Model):
    """A later event: agreements kept or broken within an instrument, or a refusal to cooperate.

    A refusal may be recorded on the case without an instrument; kept/broken always belong to one.
    """

    class Kind(models.TextChoices):
        KEPT = "nagekomen", _("Afspraken nagekomen")
        BROKEN = "verbroken", _("Afspraken niet nagekomen")
        REFUSED = "geweigerd", _("Weigert medewerking")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    deployment = models.ForeignKey(
        InstrumentDeployment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    kind = models.CharField(_("gebeurtenis"), max_length=20, choices=Kind.choices)
    on = models.DateField(_("datum"))
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("gebeurtenis")
        verbose_name_plural = _("gebeurtenissen")
        ordering = ["on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="geweigerd") | models.Q(deployment__isnull=False),
                name="event_compliance_needs_deployment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.public_id}"


class DeadlineConfig(models.Model):
    """Targets for outreach (domain.md defaults). Append-only: the newest row is in force."""

    first_attempt_working_days = models.PositiveSmallIntegerField(
        _("eerste contactpoging binnen (werkdagen)"), default=5
    )
    crisis_first_attempt_working_days = models.PositiveSmallIntegerField(
        _("eerste contactpoging bij crisissignaal binnen (werkdagen)"), default=1
    )
    outreach_days = models.PositiveSmallIntegerField(
        _("contact gemaakt of outreach af binnen (dagen)"), default=28
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("termijnen")
        verbose_name_plural = _("termijnen")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"termijnen van {self.changed_at:%Y-%m-%d}"
