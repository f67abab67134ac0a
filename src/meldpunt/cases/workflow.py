"""The case lifecycle: one explicit transition table. Nothing changes a status but case_transition."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    RECEIVED = "ontvangen", _("Ontvangen, wacht op triage")
    ASSIGNED = "toegewezen", _("Toegewezen aan uitvoerder")
    PICKED_UP = "opgepakt", _("Opgepakt")
    IN_CONTACT = "in-contact", _("In contact")
    INSTRUMENT_DEPLOYED = "instrument-ingezet", _("Instrument ingezet")
    MONITORING = "afspraken-gevolgd", _("Afspraken worden gevolgd")
    CLOSED = "afgesloten", _("Afgesloten")


S = CaseStatus
TRANSITIONS: dict[str, set[str]] = {
    S.RECEIVED: {S.ASSIGNED, S.CLOSED},
    S.ASSIGNED: {S.ASSIGNED, S.PICKED_UP, S.CLOSED},
    S.PICKED_UP: {S.IN_CONTACT, S.INSTRUMENT_DEPLOYED, S.CLOSED},
    S.IN_CONTACT: {S.INSTRUMENT_DEPLOYED, S.CLOSED},
    S.INSTRUMENT_DEPLOYED: {S.MONITORING, S.INSTRUMENT_DEPLOYED, S.CLOSED},
    S.MONITORING: {S.INSTRUMENT_DEPLOYED, S.CLOSED},
    S.CLOSED: set(),
}


# Which service makes which move (all through services._apply_transition on a locked row):
#   ontvangen → toegewezen              case_assign (regie; again while toegewezen: re-route)
#   toegewezen → opgepakt               case_pick_up, or the first contact attempt / instrument
#   opgepakt → in-contact               contact_attempt_record with reached=True
#   * → instrument-ingezet              instrument_deploy (provider, income team)
#   instrument-ingezet → afspraken-gevolgd   instrument_event_record(kind=nagekomen)
#   * → afgesloten                      case_close with a DDAS EnumEindresultaat
# A landlord's own instrument never moves the provider's case.


def can_transition(source: str, target: str) -> bool:
    return target in TRANSITIONS.get(source, set())
