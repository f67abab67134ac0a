"""Writes of the intake app: receiving a signal and matching it into a case."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from meldpunt.cases.services import case_open_or_join
from meldpunt.organisations.models import Organisation
from meldpunt.organisations.selectors import Routing, route_postcode
from meldpunt.privacy.crypto import blind_index
from meldpunt.privacy.services import processing_log_record

from .models import Signal
from .spec import ARREARS_FIELDS, PERSON_FIELDS, parse_signal


def signal_validate(
    raw: dict[str, Any], *, today: date | None = None
) -> tuple[dict[str, Any], dict[str, list[str]], Routing | None]:
    """Parse one signal and check what needs the database (postcode inside the municipality)."""
    values, errors = parse_signal(raw, today=today or timezone.localdate())
    routing = None
    if values.get("postcode") and "postcode" not in errors:
        routing = route_postcode(values["postcode"])
        if routing.district is None:
            errors.setdefault("postcode", []).append(
                "Deze postcode ligt buiten de gemeente; het Meldpunt kan dit signaal niet ontvangen."
            )
    return values, errors, routing


def household_key(values: dict[str, Any]) -> str:
    return blind_index(
        "household",
        values["postcode"],
        str(values["huisnummer"]),
        values.get("huisletter") or "",
        values.get("huisnummertoevoeging") or "",
    )


def person_key(values: dict[str, Any]) -> str:
    birth = values.get("geboortedatum")
    return blind_index("person", values["achternaam"], birth.isoformat() if birth else "")


@transaction.atomic
def signal_submit(*, partner: Organisation, raw: dict[str, Any], submitted_by: Any) -> Signal:
    """Receive one signal from a landlord: check it, store it encrypted, match it into a case.

    Raises ValidationError (per field, in Dutch) and stores nothing when anything is wrong.
    """
    if not partner.is_partner:
        raise ValidationError("Alleen een verhuurder (partner) kan een signaal melden.")
    values, errors, routing = signal_validate(raw)
    if errors:
        raise ValidationError(errors)
    assert routing is not None
    details = {
        "person": {k: values.get(k) for k in PERSON_FIELDS},
        "arrears": {k: values.get(k) for k in ARREARS_FIELDS},
    }
    signal = Signal(
        partner=partner,
        submitted_by=submitted_by if getattr(submitted_by, "is_authenticated", False) else None,
        partner_reference=values["partner_referentie"],
        details=details,
        household_index=household_key(values),
        person_index=person_key(values),
        district=routing.district,
        signal_date=values.get("signaaldatum") or timezone.localdate(),
        contact_attempted_on=values["poging_persoonlijk_contact"],
        referred_to_debt_help_on=values["gewezen_op_schuldhulp"],
        written_reminder_on=values["schriftelijke_herinnering"],
        tenant_informed_on=values["informatieplicht_voldaan"],
        crisis=values.get("crisissignaal", False),
        warm_handover=values.get("warme_overdracht", False),
        unreachable_in_collection=values.get("onbereikbaar_in_incasso", False),
        multiple_problems=values.get("meerdere_problemen", False),
    )
    case, _created = case_open_or_join(
        household_index=signal.household_index,
        subject_id=signal.subject_id,
        district=routing.district,
        crisis=signal.crisis,
        routing_reason=routing.reason,
        by=submitted_by,
    )
    signal.case = case
    signal.save()
    processing_log_record(
        actor=submitted_by,
        activity="intake",
        action="create",
        name="signal.submit",
        subject_id=signal.subject_id,
        object_type="signal",
        object_id=signal.public_id,
        fields=sorted(k for k, v in values.items() if v not in (None, "", False)),
    )
    return signal
