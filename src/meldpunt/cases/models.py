"""The case file: signals (meldingen) and the cases (vroegsignaalzaken) that hold them, the work
done for the household and the facts the Sluitende Aanpak rests on."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from meldpunt.organisations.models import OrganisationType
from meldpunt.privacy.fields import EncryptedJSONField, EncryptedTextField

from .vocabulary import END_RESULT_CHOICES, ContactKind, PartOfDay, SignalStatus
from .workflow import ArrangementEndReason, ArrangementStatus, CaseStatus, LegalBasis


class Track(models.TextChoices):
    VROEG_EROPAF = "vroeg-eropaf", _("Vroeg Eropaf")
    GEREGELDE_BETALING = "geregelde-betaling", _("Geregelde betaling")


class CaseQuerySet(models.QuerySet):
    def for_user(self, user) -> CaseQuerySet:
        """The cases this user may see: a municipality's regie those of its municipalities, a
        provider the ones assigned to it (for whichever municipality), the income team the
        Geregelde betaling cases of its municipalities."""
        if not getattr(user, "is_authenticated", False) or user.organisation_id is None:
            return self.none()
        organisation = user.organisation
        if user.has_perm("cases.view_all_cases") and organisation.is_municipality:
            return self.filter(municipality_id__in=organisation.municipality_ids())
        if user.has_perm("cases.view_assigned_case") and organisation.is_provider:
            return self.filter(provider_id=user.organisation_id)
        if user.has_perm("cases.view_income_cases") and organisation.is_municipality:
            return self.filter(
                track=Track.GEREGELDE_BETALING, municipality_id__in=organisation.municipality_ids()
            )
        return self.none()

    def opened_by(self, partner_id: int) -> CaseQuerySet:
        """The cases whose first signal came from this partner: the only cases a partner
        follows (cases.feedback). A later partner's signal in the same case learns nothing of
        it, because the intake cannot tell a co-creditor from someone probing an address."""
        return self.annotate(_opened_by=first_signal_partner()).filter(_opened_by=partner_id)


def first_signal_partner() -> Subquery:
    """The partner of a case's first signal (by arrival), for a query over cases (OuterRef)."""
    return Subquery(
        Signal.objects.filter(case_id=OuterRef("pk"))
        .order_by("received_at", "id")
        .values("partner_id")[:1]
    )


class Case(models.Model):
    """A case (vroegsignaalzaak) for one tenant household."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subject_id = models.UUIDField(_("betrokkene (pseudoniem)"), db_index=True)
    household_index = models.CharField(max_length=40, db_index=True)
    # The municipality responsible for the household (the controller): where the case's first
    # signal's address lies. Its staff, and only its staff, see the case. No index of its own:
    # case_municipality_due starts with it (every index is written by every intake, ADR 0113).
    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    status = models.CharField(
        _("status"), max_length=30, choices=CaseStatus.choices, default=CaseStatus.RECEIVED
    )
    track = models.CharField(_("route"), max_length=30, choices=Track.choices, blank=True)
    district = models.ForeignKey(
        "organisations.District", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # No index of its own: (provider, status) and case_provider_due start with it (ADR 0113).
    provider = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("uitvoerder"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
        db_index=False,
    )
    routing_reason = models.CharField(_("reden toewijzing"), max_length=200, blank=True)
    # The caseworker within the provider (or income team) who works the case: set by the team
    # lead (cases.distribute_cases) or by the caseworker picking it up; history in
    # CaseworkerAssignment. No index of its own: case_caseworker_due starts with it (ADR 0113).
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("casemanager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="caseload",
        db_index=False,
    )
    # The date the next outreach step is due (first attempt, then contact or outreach done);
    # empty once contact is made or help deployed. Kept by the services when the step begins
    # (cases.deadlines.due_date), so lists filter and sort on it (docs/adr/0108).
    due_on = models.DateField(_("termijn"), null=True, blank=True)
    # Where the assessment frame put the case when it arrived, and the first action it asked
    # for: set once (a later change of the rules never moves a case, cases.frame).
    # A database default: the intake files cases by bulk insert, naming its columns.
    queue = models.CharField(_("werkbak"), max_length=80, blank=True, db_default="")
    first_action = models.CharField(_("eerste actie"), max_length=20, blank=True, db_default="")
    queue_rule = models.CharField(
        _("regel afwegingskader"), max_length=120, blank=True, db_default=""
    )
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
            ("distribute_cases", "Mag zaken van de eigen organisatie aan casemanagers toewijzen"),
            ("work_income_track", "Mag Geregelde betaling voorstellen, opdragen en beëindigen"),
        ]
        indexes = [
            models.Index(fields=["provider", "status"]),
            # The work queues: "my cases by deadline", a provider's and a municipality's open
            # cases by deadline (docs/adr/0108; make bench, tests/bench/caselist.py).
            models.Index(
                fields=["caseworker", "status", "due_on", "id"], name="case_caseworker_due"
            ),
            models.Index(fields=["provider", "due_on", "id"], name="case_provider_due"),
            models.Index(fields=["municipality", "due_on", "id"], name="case_municipality_due"),
            # Triage: a municipality's cases waiting (ontvangen) and recently routed
            # (toegewezen, by assigned_at). Without it both read the whole (provider, status)
            # index on a million cases (docs/scaling.md, tests/bench/scale.py).
            models.Index(
                fields=["status", "municipality", "assigned_at"], name="case_status_queue"
            ),
            # Triage's two lists in their own order: waiting (crisis first, oldest first) and
            # recently routed (crisis first, newest first, read backwards). Partial, so each
            # holds only the cases in that status: a case is in one of them at most (a new case
            # costs the intake one entry), and a page reads 50 entries instead of sorting every
            # waiting case (make bench, tests/bench/scale.py "triage"; tests/test_triage_plan.py).
            models.Index(
                fields=["municipality", "-crisis", "opened_at", "id"],
                condition=Q(status="ontvangen"),
                name="case_triage_waiting",
            ),
            models.Index(
                fields=["municipality", "crisis", "assigned_at", "id"],
                condition=Q(status="toegewezen"),
                name="case_triage_routed",
            ),
            # Crisis cases (2-3 %), a provider's and a municipality's: partial, so only crisis
            # cases are in them (little for the intake to write). The status comes second: the
            # capped count of the list (status IN the open ones) is then read from the index
            # alone, and SQLite prefers it over (provider, status) of all cases, which walks
            # every case of the provider to keep the crisis ones; the municipality at the end
            # answers regie's scope without reading the rows (make bench, tests/bench/
            # caselist.py: "crisis + uitvoerder"; ADR 0120). A page is a sort of these few.
            models.Index(
                fields=["provider", "status", "due_on", "id", "municipality"],
                condition=Q(crisis=True),
                name="case_crisis_provider",
            ),
            models.Index(
                fields=["municipality", "status", "due_on", "id"],
                condition=Q(crisis=True),
                name="case_crisis_municipality",
            ),
        ]

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


class CaseworkerAssignment(models.Model):
    """Append-only history of who works a case: the team lead's (re)assignment or a caseworker
    taking the case up. ``caseworker`` empty: the case went back to the organisation's queue."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="caseworker_history")
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    previous = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(_("reden"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("toewijzing aan een casemanager")
        verbose_name_plural = _("toewijzingen aan casemanagers")

    def __str__(self) -> str:
        return f"toewijzing {self.pk}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise AppendOnlyError("De toewijzingen worden alleen aangevuld, nooit gewijzigd.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("De toewijzingen worden nooit verwijderd.")


class Person(models.Model):
    """A person the Meldpunt holds signals about (betrokkene), known only by keyed hashes.

    No name or address is stored here: they stay in the encrypted details of the person's
    signals (and of a tenancy the landlord registered itself). A person is recognised by the
    canonical name + birth date (``name_key``, privacy.keys.person_key) or through a landlord's
    own reference (``Tenancy.reference``); ``cases.identity`` holds the rules
    (docs/adr/0008-case-file.md). ``subject_id`` is this data subject's pseudonym in the
    processing log.
    """

    subject_id = models.UUIDField(_("betrokkene (pseudoniem)"), default=uuid.uuid4, unique=True)
    name_key = models.CharField(max_length=40, blank=True)
    birth_key = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("persoon")
        verbose_name_plural = _("personen")
        constraints = [
            models.UniqueConstraint(
                fields=["name_key"], condition=~Q(name_key=""), name="person_once_per_name"
            )
        ]

    def __str__(self) -> str:
        return f"persoon {self.subject_id}"


class TenancyQuerySet(models.QuerySet):
    def for_user(self, user) -> TenancyQuerySet:
        """A landlord sees its own tenancies; a municipality's regie those in its municipalities;
        nobody else any."""
        if not getattr(user, "is_authenticated", False) or user.organisation_id is None:
            return self.none()
        if user.has_perm("cases.view_all_cases") and user.organisation.is_municipality:
            return self.filter(municipality_id__in=user.organisation.municipality_ids())
        if user.has_perm("cases.record_own_instrument") and user.organisation.is_partner:
            return self.filter(partner_id=user.organisation_id)
        return self.none()


class Tenancy(models.Model):
    """A tenancy (huurrelatie): one landlord (partner) and one tenant (person).

    The Sluitende Aanpak questions are about one tenancy: only the facts recorded for this
    tenant with this landlord count (safeguards.selectors.facts_for_tenancy). A tenancy exists
    from the landlord's first signal about the person, or from the landlord registering its
    tenant itself (``details`` then holds what it registered, encrypted) to record its own
    payment plan when there is no signal.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="tenancies",
        db_index=False,  # the constraints below start with partner
    )
    # Empty once anonymised (retention): the landlord's records stay, the person does not.
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="tenancies"
    )
    reference = models.CharField(_("referentie verhuurder"), max_length=60)
    household_index = models.CharField(max_length=40)
    # The municipality of the dwelling (of the latest signal, or as registered): whose regie
    # sees the tenancy and names itself on the verklaring.
    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    details = EncryptedJSONField(null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenancyQuerySet.as_manager()

    class Meta:
        verbose_name = _("huurrelatie")
        verbose_name_plural = _("huurrelaties")
        constraints = [
            models.UniqueConstraint(fields=["partner", "person"], name="tenancy_once"),
        ]
        indexes = [models.Index(fields=["partner", "reference"], name="tenancy_reference")]

    def __str__(self) -> str:
        return f"huurrelatie {self.public_id}"


class CaseMember(models.Model):
    """A person in a case's household: the tenant a signal was about, or a co-tenant.

    A signal joins an open case only when it is about one of its members (intake rules M1, M2).
    """

    class Role(models.TextChoices):
        TENANT = "huurder", _("Huurder")
        CO_TENANT = "medehuurder", _("Medehuurder")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("rol"), max_length=12, choices=Role.choices, default=Role.TENANT)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lid van het huishouden")
        verbose_name_plural = _("leden van het huishouden")
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="member_once")]

    def __str__(self) -> str:
        return f"{self.role} in zaak {self.case_id}"


class SignalQuerySet(models.QuerySet):
    def for_user(self, user) -> SignalQuerySet:
        """The signals this user may see at all; anything else is as if it does not exist."""
        if not getattr(user, "is_authenticated", False) or user.organisation_id is None:
            return self.none()
        if user.has_perm("intake.triage_signal") and user.organisation.is_municipality:
            return self.filter(municipality_id__in=user.organisation.municipality_ids())
        if user.has_perm("intake.submit_signal") and user.organisation.is_partner:
            return self.filter(partner_id=user.organisation_id)
        return self.none()


class Signal(models.Model):
    """A signal (melding) of rent arrears about one tenant, from one landlord.

    ``details`` holds all personal data in one ciphertext: the person, the address, the
    contact data and the arrears. Look-ups use the blind-index columns.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subject_id = models.UUIDField(_("betrokkene (pseudoniem)"), default=uuid.uuid4, db_index=True)
    partner = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="signals"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    partner_reference = models.CharField(_("referentie verhuurder"), max_length=60)
    details = EncryptedJSONField()
    household_index = models.CharField(max_length=40, db_index=True)
    person_index = models.CharField(max_length=40, db_index=True)
    # Keyed hash of what makes two deliveries the same signal: a repeated upload or API call
    # finds it and creates nothing (exactly once).
    intake_key = models.CharField(max_length=40)
    channel = models.CharField(_("kanaal"), max_length=10, default="formulier")
    # The kind of signal partner that sent it (DDAS EnumSignaalpartner), as it was on receipt.
    partner_type = models.CharField(_("soort signaalpartner"), max_length=30, default="Huur")
    # The delivery (intake.SignalImport) that brought it; a plain id, so the case file does not
    # depend on the intake's tables.
    delivery_id = models.BigIntegerField(null=True, blank=True, db_column="batch_id")
    district = models.ForeignKey(
        "organisations.District", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # No index of its own: signal_received starts with it (ADR 0113).
    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    signal_date = models.DateField(_("signaaldatum"))
    received_at = models.DateTimeField(_("ontvangen"), auto_now_add=True)
    contact_attempted_on = models.DateField(_("poging tot persoonlijk contact"))
    referred_to_debt_help_on = models.DateField(_("gewezen op schuldhulpverlening"))
    written_reminder_on = models.DateField(_("schriftelijke herinnering"))
    tenant_informed_on = models.DateField(_("huurder geïnformeerd"))
    crisis = models.BooleanField(_("crisissignaal"), default=False)
    warm_handover = models.BooleanField(_("warme overdracht"), default=False)
    unreachable_in_collection = models.BooleanField(default=False)
    multiple_problems = models.BooleanField(default=False)
    status = models.CharField(
        _("status"),
        max_length=60,
        choices=SignalStatus.choices,
        default=SignalStatus.NOT_YET_PICKED_UP,
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="signals"
    )
    # Whom it is about, and the tenancy it concerns. Empty once anonymised (retention).
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="signals"
    )
    tenancy = models.ForeignKey(
        Tenancy, null=True, blank=True, on_delete=models.PROTECT, related_name="signals"
    )
    decision = models.CharField(_("beslissing bij ontvangst"), max_length=200, blank=True)

    objects = SignalQuerySet.as_manager()

    class Meta:
        verbose_name = _("signaal")
        verbose_name_plural = _("signalen")
        ordering = ["-received_at", "-id"]
        db_table = "intake_signal"  # the table the intake created (docs/adr/0008)
        # Signals received in a period per municipality: the DDAS delivery and the figures.
        indexes = [models.Index(fields=["municipality", "received_at"], name="signal_received")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(partner_reference=""), name="signal_partner_reference_required"
            ),
            models.UniqueConstraint(fields=["partner", "intake_key"], name="signal_once"),
        ]

    def __str__(self) -> str:
        return f"signaal {self.public_id}"

    @property
    def person_details(self) -> dict:
        """Name, address and contact data of the tenant as the landlord delivered them."""
        return self.details.get("person", {})

    @property
    def co_tenant_details(self) -> dict:
        return self.details.get("co_tenant", {})

    @property
    def arrears(self) -> dict:
        return self.details.get("arrears", {})

    @property
    def display_name(self) -> str:
        return person_name(self.person_details)


def person_name(person: dict) -> str:
    """How a signal's person is named on screen: initials, prefix and surname."""
    return " ".join(
        x
        for x in (person.get("voorletters"), person.get("tussenvoegsel"), person.get("achternaam"))
        if x
    )


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


class SignalStatusChange(models.Model):
    """Append-only history of a signal's status after its receipt: regie overturning an
    automatic decision of the intake, with the reason (the intake's own decision is in
    ``Signal.decision``)."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=60)
    to_status = models.CharField(max_length=60)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reden"), max_length=300)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("statuswijziging signaal")
        verbose_name_plural = _("statusgeschiedenis signalen")

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"

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


class HomeVisitQuerySet(models.QuerySet):
    def for_user(self, user) -> HomeVisitQuerySet:
        """The visits of the cases this user may see (Case.objects.for_user)."""
        return self.filter(case__in=Case.objects.for_user(user))

    def open(self) -> HomeVisitQuerySet:
        """Planned and not yet done (no attempt recorded for it) nor cancelled."""
        return self.filter(attempt__isnull=True, cancelled_at__isnull=True)


class HomeVisit(models.Model):
    """A planned home visit: a date and a part of the day. Recording a home-visit attempt on
    that date for the case marks it done (``attempt``); the visit itself is then that attempt."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="visits")
    planned_on = models.DateField(_("datum bezoek"))
    part_of_day = models.CharField(_("dagdeel"), max_length=10, choices=PartOfDay.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    planned_at = models.DateTimeField(auto_now_add=True)
    attempt = models.OneToOneField(
        "ContactAttempt", null=True, blank=True, on_delete=models.SET_NULL, related_name="visit"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = HomeVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("gepland huisbezoek")
        verbose_name_plural = _("geplande huisbezoeken")
        ordering = ["planned_on", "id"]
        indexes = [models.Index(fields=["organisation", "planned_on"], name="visit_day")]

    def __str__(self) -> str:
        return f"huisbezoek {self.public_id}"

    @property
    def done(self) -> bool:
        return self.attempt_id is not None


class LetterKind(models.TextChoices):
    LETTER = "brief", _("Brief")
    DOOR_CARD = "kaartje", _("Kaartje aan de deur")
    INFORMATION = "informatiebrief", _("Informatiebrief bij ontvangst (AVG art. 14)")


class LetterTemplate(models.Model):
    """One version of a letter or door-card template. Append-only: a change is a new row with
    the same ``code``; the newest is in force and the older ones are the change history."""

    code = models.SlugField(_("code"), max_length=40)
    kind = models.CharField(_("soort"), max_length=20, choices=LetterKind.choices)
    name = models.CharField(_("naam"), max_length=100)
    subject_nl = models.CharField(_("onderwerp (Nederlands)"), max_length=150)
    action_nl = models.TextField(_("wat de huurder moet doen (Nederlands)"))
    body_nl = models.TextField(_("tekst (Nederlands)"))
    subject_en = models.CharField(_("onderwerp (Engels)"), max_length=150)
    action_en = models.TextField(_("wat de huurder moet doen (Engels)"))
    body_en = models.TextField(_("tekst (Engels)"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sjabloon brief of kaartje")
        verbose_name_plural = _("sjablonen brieven en kaartjes")
        ordering = ["code", "-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.code} ({self.changed_at:%Y-%m-%d})"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise AppendOnlyError(
                "Een sjabloon wordt niet gewijzigd: een wijziging is een nieuwe versie."
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Een versie van een sjabloon wordt nooit verwijderd.")

    @property
    def is_contact_attempt(self) -> bool:
        """A letter or a door card is a DDAS contact attempt (Brief / Kaartje)."""
        return self.kind in (LetterKind.LETTER, LetterKind.DOOR_CARD)


class CaseLetter(models.Model):
    """A letter or door card produced for a case: which template version, in which language,
    by whom. The PDF is made again from these when printed again (nothing stored twice)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="letters")
    template = models.ForeignKey(LetterTemplate, on_delete=models.PROTECT, related_name="+")
    language = models.CharField(_("taal"), max_length=2, default="nl")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    produced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    produced_on = models.DateField(_("datum"))
    produced_at = models.DateTimeField(auto_now_add=True)
    attempt = models.OneToOneField(
        ContactAttempt, null=True, blank=True, on_delete=models.SET_NULL, related_name="letter"
    )

    class Meta:
        verbose_name = _("brief of kaartje")
        verbose_name_plural = _("brieven en kaartjes")
        ordering = ["produced_at", "id"]
        indexes = [models.Index(fields=["organisation", "produced_on"], name="letter_day")]

    def __str__(self) -> str:
        return f"brief {self.public_id}"


class AssessmentFrame(models.Model):
    """One version of the assessment frame (afwegingskader): the ordered rules as a list of
    dicts (cases.frame). Append-only: the newest row is in force, older rows are its history."""

    rules = models.JSONField(_("regels"), default=list)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("afwegingskader")
        verbose_name_plural = _("afwegingskader (versies)")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"afwegingskader {self.pk}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise AppendOnlyError(
                "Het afwegingskader wordt niet gewijzigd: een wijziging is een nieuwe versie."
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Een versie van het afwegingskader wordt nooit verwijderd.")


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
    def for_tenancy(self, tenancy: Tenancy) -> InstrumentDeploymentQuerySet:
        """What counts for one tenancy: deployed in a case that holds one of its signals, or
        recorded by the landlord for it directly (safeguards.selectors.facts_for_tenancy).

        Only cases the tenancy's landlord opened count: a landlord whose signal joined another
        partner's case learns nothing of that case, not even through a check (cases.feedback)."""
        cases = Case.objects.filter(signals__tenancy=tenancy).opened_by(tenancy.partner_id)
        return self.filter(Q(case__in=cases.values("pk")) | Q(tenancy=tenancy)).distinct()


class InstrumentDeployment(models.Model):
    """An instrument deployed for a tenant household: by whom, when, which agreements.

    A provider or the municipality deploys within a case; a landlord records its own instrument
    for its own tenancy (``tenancy``), with or without a case.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="deployments"
    )
    tenancy = models.ForeignKey(
        Tenancy,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="own_deployments",
        help_text="The landlord's own tenancy this instrument was recorded for.",
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    deployed_on = models.DateField(_("datum inzet"))
    # The first date on which the agreements fall due (e.g. the first instalment). Only after
    # it has passed can an agreement be broken (docs/adr/0009-demonstrable-facts.md).
    first_due_on = models.DateField(_("eerste vervaldatum"), null=True, blank=True)
    ended_on = models.DateField(_("beëindigd op"), null=True, blank=True)
    # Set only when the tenant stopped it (Geregelde betaling on the tenant's request): the
    # Sluitende Aanpak sees a stop by the tenant as such. Never shown to the landlord.
    ended_by_tenant = models.BooleanField(_("beëindigd door de huurder"), default=False)
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
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False) | Q(tenancy__isnull=False),
                name="deployment_in_a_case_or_a_tenancy",
            )
        ]

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
    # Empty only for the landlord's events on its own instrument outside any case.
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
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
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="geweigerd") | models.Q(case__isnull=False),
                name="event_refusal_in_a_case",
            ),
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


# ---------------------------------------------------------------------------------------------
# Geregelde betaling (issue #15, docs/adr/0111-geregelde-betaling.md)
# ---------------------------------------------------------------------------------------------


class ArrangementQuerySet(models.QuerySet):
    def for_user(self, user) -> ArrangementQuerySet:
        """The arrangements of the cases this user may see (Case.objects.for_user)."""
        return self.filter(case__in=Case.objects.for_user(user))


class Arrangement(models.Model):
    """Geregelde betaling for one case: the rent paid from the tenant's Participatiewet benefit
    by the municipality's income administration (which does the withholding, not the Meldpunt).

    Amounts, the client number and the landlord's payment reference are encrypted; the landlord
    only ever learns that it runs, since when, and the payment reference it gave.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="arrangements")
    # The municipality organisation that instructs the withholding (the deployer of the
    # instrument once it runs).
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("stand"), max_length=20, choices=ArrangementStatus.choices,
        default=ArrangementStatus.PROPOSED,
    )  # fmt: skip
    client_number = EncryptedTextField(_("klantnummer inkomensadministratie"))
    rent_amount = EncryptedTextField(_("huur per maand"))
    arrears_instalment = EncryptedTextField(_("aflossing achterstand per maand"), null=True)
    payment_reference = EncryptedTextField(_("betalingskenmerk verhuurder"))
    first_period = models.DateField(_("eerste periode"))
    last_period = models.DateField(_("laatste periode"), null=True, blank=True)
    consent_on = models.DateField(_("toestemming huurder op"), null=True, blank=True)
    legal_basis = models.CharField(
        _("grondslag"), max_length=20, choices=LegalBasis.choices, blank=True
    )
    # The deadline of the step it waits for (agreement, instruction, confirmation).
    due_on = models.DateField(_("termijn"), null=True, blank=True)
    started_on = models.DateField(_("loopt sinds"), null=True, blank=True)
    ended_on = models.DateField(_("beëindigd op"), null=True, blank=True)
    end_reason = models.CharField(
        _("reden beëindiging"), max_length=30, choices=ArrangementEndReason.choices, blank=True
    )
    deployment = models.OneToOneField(
        InstrumentDeployment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ArrangementQuerySet.as_manager()

    class Meta:
        verbose_name = _("geregelde betaling")
        verbose_name_plural = _("geregelde betalingen")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=~Q(status="beeindigd"), name="arrangement_one_open"
            )
        ]

    def __str__(self) -> str:
        return f"geregelde betaling {self.public_id}"

    @property
    def reference(self) -> str:
        return self.public_id.hex[-8:]


class ArrangementChange(models.Model):
    """Append-only history of an arrangement's steps: who, which organisation, when, why."""

    arrangement = models.ForeignKey(Arrangement, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    reason = models.CharField(_("toelichting"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("stap geregelde betaling")
        verbose_name_plural = _("stappen geregelde betaling")

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise AppendOnlyError("De geschiedenis wordt alleen aangevuld, nooit gewijzigd.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("De geschiedenis wordt nooit verwijderd.")


class IncomeInstruction(models.Model):
    """One instruction to the income administration (start, change, stop): the outbox.

    Written in the same transaction as the step that needs it; the worker delivers it through
    the adapter (registries.income) and retries until it is delivered; the administration's
    receipt confirms or refuses it. ``payload`` is what was instructed, encrypted.
    """

    class Kind(models.TextChoices):
        START = "start", _("Start inhouding")
        CHANGE = "wijziging", _("Wijziging inhouding")
        STOP = "stop", _("Stop inhouding")

    class Status(models.TextChoices):
        PENDING = "te-versturen", _("Nog te versturen")
        DELIVERED = "verstuurd", _("Verstuurd, wacht op bevestiging")
        CONFIRMED = "bevestigd", _("Bevestigd")
        REFUSED = "afgewezen", _("Afgewezen")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    arrangement = models.ForeignKey(
        Arrangement, on_delete=models.PROTECT, related_name="instructions"
    )
    kind = models.CharField(_("soort"), max_length=10, choices=Kind.choices)
    payload = EncryptedJSONField()
    status = models.CharField(
        _("stand"), max_length=15, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Why the last delivery failed, in Dutch, never with personal data.
    last_error = models.CharField(max_length=200, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    batch = models.CharField(_("bestand"), max_length=120, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(_("antwoord"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("opdracht aan de inkomensadministratie")
        verbose_name_plural = _("opdrachten aan de inkomensadministratie")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="instruction_outbox")]

    def __str__(self) -> str:
        return f"opdracht {self.public_id}"


class IncomeReceiptQuerySet(models.QuerySet):
    def for_user(self, user) -> IncomeReceiptQuerySet:
        """The receipts an income consultant or regie sees: those naming an instruction of a
        case in its municipalities, and those naming none the Meldpunt knows (a file that
        cannot be read, or only unknown ids: nobody's, so everyone on the track must see it)."""
        if not (
            getattr(user, "is_authenticated", False)
            and user.organisation_id is not None
            and user.has_perm("cases.work_income_track")
            and user.organisation.is_municipality
        ):
            return self.none()
        return self.filter(
            Q(municipalities__in=user.organisation.municipality_ids())
            | Q(municipalities__isnull=True)
        ).distinct()


class IncomeReceipt(models.Model):
    """One receipt file read back from the income administration: applied whole or refused
    whole (``message`` says why, in Dutch, by line)."""

    name = models.CharField(max_length=200)
    read_at = models.DateTimeField(auto_now_add=True)
    accepted = models.BooleanField(default=False)
    lines = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    # The municipalities of the cases whose instructions the file names (known ids only): the
    # exchange folder is shared, so this is what scopes a receipt to an income team.
    municipalities = models.ManyToManyField(
        "organisations.Municipality", blank=True, related_name="+"
    )

    objects = IncomeReceiptQuerySet.as_manager()

    class Meta:
        verbose_name = _("ontvangstbevestiging")
        verbose_name_plural = _("ontvangstbevestigingen")
        ordering = ["-read_at", "-id"]

    def __str__(self) -> str:
        return self.name
