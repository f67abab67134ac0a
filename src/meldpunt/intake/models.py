"""Signals (meldingen, vroegsignalen) of rent arrears reported by landlords."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meldpunt.privacy.fields import EncryptedJSONField

from .vocabulary import SignalStatus


class SignalQuerySet(models.QuerySet):
    def for_user(self, user) -> SignalQuerySet:
        """The signals this user may see at all; anything else is as if it does not exist."""
        if not getattr(user, "is_authenticated", False) or user.organisation_id is None:
            return self.none()
        if user.has_perm("intake.triage_signal") and user.organisation.is_municipality:
            return self.all()
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
    district = models.ForeignKey(
        "organisations.District", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
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
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="signals"
    )

    objects = SignalQuerySet.as_manager()

    class Meta:
        verbose_name = _("signaal")
        verbose_name_plural = _("signalen")
        ordering = ["-received_at", "-id"]
        permissions = [
            ("submit_signal", "Mag signalen melden voor eigen huurders"),
            ("triage_signal", "Mag signalen trieren en toewijzen"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(partner_reference=""), name="signal_partner_reference_required"
            )
        ]

    def __str__(self) -> str:
        return f"signaal {self.public_id}"

    @property
    def person(self) -> dict:
        return self.details.get("person", {})

    @property
    def arrears(self) -> dict:
        return self.details.get("arrears", {})

    @property
    def display_name(self) -> str:
        p = self.person
        return " ".join(
            x for x in (p.get("voorletters"), p.get("tussenvoegsel"), p.get("achternaam")) if x
        )
