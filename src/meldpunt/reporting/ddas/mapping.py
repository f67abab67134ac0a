"""From the values Meldpunt stores today to the DDAS v1.2 vocabularies.

One table per vocabulary, keyed by the stored string. Each table holds the values stored until
now (the DDAS v0.9 spellings of ``cases/vocabulary.py``) and, as
identity entries, every v1.2 value, so the same table serves before and after the lead's data
migration moves stored values to v1.2 (and that migration can use it). Keys are literal strings on
purpose: a change to the stored vocabularies must not silently change what a stored value means.

Stored values that differ from v1.2 (see also docs/adr/0103-ddas-delivery.md):

- end result ``Inwoner hoeft geen hulp vanuit vroegsignalering`` →
  ``Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering``;
- end result ``Verwijzing zonder contact`` → ``Verwijzing zonder tussenkomst inwoner``
  (both renames follow CHANGES.md; upstream has not confirmed them);
- signal status: none differ, but the stored status stays ``Nog niet opgepakt`` once the case is
  picked up; v1.2 has ``Opgepakt`` for that, so the status sent is derived from the case
  (:func:`signal_status_for`).

v1.2 values with no stored counterpart yet: contact kinds ``Afspraak op locatie`` and
``Onbekend``; end result ``Vervolghulp en/of verwijzing``; signal statuses ``Opgepakt`` (derived)
and ``Inwoner al bekend bij schuldhulpverlening`` (derived from the end result of that name).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

from .vocabulary import (
    EnumContactsoort,
    EnumDagdeel,
    EnumEindresultaat,
    EnumSignaalpartner,
    EnumSignaalstatus,
)

E = TypeVar("E", bound=StrEnum)


def _identity(enum: type[E]) -> dict[str, E]:
    return {member.value: member for member in enum}


R = EnumEindresultaat
END_RESULT: Mapping[str, EnumEindresultaat] = {
    **_identity(EnumEindresultaat),
    # v0.9 spellings still stored in cases.Case.end_result.
    "Inwoner hoeft geen hulp vanuit vroegsignalering": R.REGELT_HET_ZELF,
    "Verwijzing zonder contact": R.VERWIJZING_ZONDER_TUSSENKOMST_INWONER,
}

CONTACT_KIND: Mapping[str, EnumContactsoort] = _identity(EnumContactsoort)
PART_OF_DAY: Mapping[str, EnumDagdeel] = _identity(EnumDagdeel)
SIGNAL_STATUS: Mapping[str, EnumSignaalstatus] = _identity(EnumSignaalstatus)

# Organisation type (organisations.OrganisationType) → partner type. Today every signalling
# partner is a landlord; the partner type per organisation (issue "Every signal partner") will
# store EnumSignaalpartner values directly.
PARTNER_TYPE: Mapping[str, EnumSignaalpartner] = {
    "partner": EnumSignaalpartner.HUUR,
    **_identity(EnumSignaalpartner),
}

# Case status (cases.workflow.CaseStatus) → whether DDAS counts the case as taken up.
S = EnumSignaalstatus
CASE_STATUS_TAKEN_UP: Mapping[str, bool] = {
    "ontvangen": False,
    "toegewezen": False,
    "opgepakt": True,
    "in-contact": True,
    "instrument-ingezet": True,
    "afspraken-gevolgd": True,
    "afgesloten": False,  # closed: decided by the end result and the pick-up date
}

# End results that are also a signal status: a case closed with one of these was not taken up
# for that reason, and its signals carry it.
_RESULT_AS_STATUS: Mapping[EnumEindresultaat, EnumSignaalstatus] = {
    R.NIET_OPGEPAKT_ANDERE_REDEN: S.NIET_OPGEPAKT_ANDERE_REDEN,
    R.NIET_OPGEPAKT_HERHAALDE_MELDING: S.NIET_OPGEPAKT_HERHAALDE_MELDING,
    R.NIET_OPGEPAKT_ONTERECHT_SIGNAAL: S.NIET_OPGEPAKT_ONTERECHT_SIGNAAL,
    R.OVERLEDEN: S.OVERLEDEN,
    R.GEEN_INWONER: S.GEEN_INWONER,
    R.AL_BEKEND_BIJ_SCHULDHULPVERLENING: S.AL_BEKEND_BIJ_SCHULDHULPVERLENING,
}


class UnknownStoredValue(ValueError):
    """A stored value that the mapping does not know: a bug or a vocabulary change to map first."""


def _lookup(table: Mapping[str, E], value: str, what: str) -> E:
    try:
        return table[value]
    except KeyError:
        raise UnknownStoredValue(
            f"{what} {value!r}: voeg die waarde toe aan de DDAS-vertaaltabel."
        ) from None


def end_result(stored: str) -> EnumEindresultaat:
    return _lookup(END_RESULT, stored, "Onbekend eindresultaat")


def contact_kind(stored: str) -> EnumContactsoort:
    return _lookup(CONTACT_KIND, stored, "Onbekende contactsoort")


def part_of_day(stored: str) -> EnumDagdeel:
    return _lookup(PART_OF_DAY, stored, "Onbekend dagdeel")


def partner_type(stored: str) -> EnumSignaalpartner:
    return _lookup(PARTNER_TYPE, stored, "Onbekende soort signaalpartner")


def signal_status_for(
    *,
    stored_status: str,
    case_status: str | None,
    case_end_result: str = "",
    picked_up: bool = False,
) -> EnumSignaalstatus:
    """The v1.2 status of a signal, from its own stored status and its case.

    A status other than "Nog niet opgepakt" was decided at receipt and stays. Otherwise the case
    decides: taken up (or closed after a pick-up) is ``Opgepakt``; closed with a "not taken up"
    end result carries that reason; anything else is still ``Nog niet opgepakt``.
    """
    status = _lookup(SIGNAL_STATUS, stored_status, "Onbekende signaalstatus")
    if status is not S.NOG_NIET_OPGEPAKT or case_status is None:
        return status
    if case_status not in CASE_STATUS_TAKEN_UP:
        raise UnknownStoredValue(
            f"Onbekende zaakstatus {case_status!r}: voeg die waarde toe aan de DDAS-vertaaltabel."
        )
    if CASE_STATUS_TAKEN_UP[case_status]:
        return S.OPGEPAKT
    if case_end_result:
        result = end_result(case_end_result)
        # Closed with an outcome of the outreach (contact or not): the case was taken up.
        return _RESULT_AS_STATUS.get(result, S.OPGEPAKT)
    return S.OPGEPAKT if picked_up else status
