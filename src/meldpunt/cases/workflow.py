"""The case lifecycle: one explicit transition table. Nothing changes a status but case_transition.

Geregelde betaling has a table of its own; both are a ``TransitionTable`` (one mechanism: which
moves are allowed, the Dutch refusal, complete by construction). Applying a move stays with each
owner (``services._apply_transition``, ``income_services._arrangement_move``): a case's move
sets its closing time and deadline and is recorded in a history a database trigger keeps
append-only, an arrangement's records who and which organisation, and their stale checks
differ; one generic "apply" would need a hook for each of those.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class TransitionTable:
    """The allowed moves between the statuses of one TextChoices; every status has a row and
    every target is a status (checked once, at import)."""

    def __init__(self, statuses: type[models.TextChoices], moves: dict[str, set[str]]) -> None:
        values = set(statuses.values)
        missing = values - set(moves)
        unknown = (set(moves) | set().union(*moves.values())) - values
        if missing or unknown:
            raise ValueError(f"transition table of {statuses.__name__}: missing rows "
                             f"{sorted(missing)}, unknown statuses {sorted(unknown)}")  # fmt: skip
        self.statuses = statuses
        self.moves = moves

    def allows(self, source: str, target: str) -> bool:
        return target in self.moves.get(source, set())

    def check(self, source: str, target: str, *, subject: str) -> None:
        """Refuse a move the table does not allow, saying from where to where, in Dutch."""
        if not self.allows(source, target):
            raise ValidationError(
                f"{subject} kan niet van '{self.statuses(source).label}' naar "
                f"'{self.statuses(target).label}'."
            )


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


CASE_FLOW = TransitionTable(CaseStatus, TRANSITIONS)


def can_transition(source: str, target: str) -> bool:
    return CASE_FLOW.allows(source, target)


# ---------------------------------------------------------------------------------------------
# Geregelde betaling (issue #15, docs/adr/0111-geregelde-betaling.md): the track's own steps, in
# a table of their own beside the case's. The case itself moves as for any instrument: picked up
# at the proposal, "instrument ingezet" once the income administration confirms the start.
# ---------------------------------------------------------------------------------------------


class ArrangementStatus(models.TextChoices):
    PROPOSED = "voorgesteld", _("Voorgesteld")
    AGREED = "afgesproken", _("Afgesproken met de huurder")
    INSTRUCTED = "opgedragen", _("Inhouding opgedragen")
    RUNNING = "loopt", _("Loopt")
    ENDED = "beeindigd", _("Beëindigd")


class ArrangementEndReason(models.TextChoices):
    TENANT_REQUEST = "verzoek-huurder", _("Op verzoek van de huurder")
    BENEFIT_ENDED = "uitkering-beeindigd", _("Uitkering beëindigd")
    MOVED = "verhuisd", _("Verhuisd")
    ARREARS_CLEARED = "achterstand-ingelopen", _("Achterstand ingelopen")
    OTHER = "anders", _("Andere reden")


class LegalBasis(models.TextChoices):
    """The Participatiewet article the withholding rests on (named when agreed)."""

    VOLUNTARY = "pw-vrijwillig", _("Participatiewet: op verzoek van de uitkeringsgerechtigde")
    ART_57 = "pw-art-57", _("Participatiewet art. 57 (betaling in natura)")
    ART_60B = "pw-art-60b", _("Participatiewet art. 60b (inhouding en betaling vaste lasten)")


A = ArrangementStatus
ARRANGEMENT_TRANSITIONS: dict[str, set[str]] = {
    A.PROPOSED: {A.AGREED, A.ENDED},
    A.AGREED: {A.INSTRUCTED, A.ENDED},
    # Refused by the income administration: back to agreed, to correct and instruct again.
    A.INSTRUCTED: {A.RUNNING, A.AGREED, A.ENDED},
    A.RUNNING: {A.RUNNING, A.ENDED},  # running → running: a change of amounts
    A.ENDED: set(),
}
# Who moves it (cases/income_services.py, each through _arrangement_move on a locked row):
#   → voorgesteld          arrangement_propose (income consultant or regie)
#   voorgesteld → afgesproken   arrangement_agree: consent date and Participatiewet basis
#   afgesproken → opgedragen    arrangement_instruct: a start instruction in the outbox
#   opgedragen → loopt          the income administration's receipt confirms the start
#   opgedragen → afgesproken    its receipt refuses the start (with its answer)
#   loopt → loopt               arrangement_change: a change instruction
#   * → beeindigd               arrangement_end with a reason (a stop instruction if instructed)


ARRANGEMENT_FLOW = TransitionTable(ArrangementStatus, ARRANGEMENT_TRANSITIONS)


def can_move_arrangement(source: str, target: str) -> bool:
    return ARRANGEMENT_FLOW.allows(source, target)
