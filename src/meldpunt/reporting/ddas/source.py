"""Where a CBS collection gets its data: a protocol the case model's adapter implements.

The endpoint (:mod:`.views`) knows nothing of signals or cases; it asks a source configured in
``MELDPUNT_DDAS_SOURCE`` (a dotted path to a class taking no arguments).

Rules a source must keep:

- records are signals (vroegsignalen), in one fixed order that keeps a municipality's signals
  together and, within it, the signals of one case together; ``page`` gives the signals
  ``[offset, offset + limit)`` of that order, grouped in leveringen (one per municipality on the
  page, with the levering's ``teller`` of the whole delivery);
- a case (vroegsignaalzaak) is sent on the page that holds its first signal, with references to
  all its signals (a case can refer to a signal on the next page; CBS combines the pages);
- ``page`` is iterated once, inside the request: the endpoint signs the body as it writes it to
  an encrypted spool and sends it from there (signing.sign_spooled); its leveringen's signals and
  cases are pulled as the writer goes, so they may be generators;
- ``record_collection`` writes the one processing-log record of the collection (no BSN: Meldpunt
  holds none, and individual subjects are not logged for it).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol

from .collection import PagePlan
from .model import LeveringLike


class UnknownOrganisation(LookupError):
    """``aanleverendeOrganisatie`` names no organisation this installation delivers for."""


class DeliverySource(Protocol):
    def count_signals(self, *, start: date, end: date, organisation: str | None) -> int:
        """The number of signals in the delivery; raises :class:`UnknownOrganisation`."""
        ...

    def page(
        self, *, start: date, end: date, organisation: str | None, offset: int, limit: int
    ) -> Iterable[LeveringLike]:
        """The leveringen with the signals of one page and the cases that start on it."""
        ...

    def record_collection(
        self, *, client_id: str, start: date, end: date, organisation: str | None, plan: PagePlan
    ) -> None:
        """Record the collection in the processing log (one record per request)."""
        ...
