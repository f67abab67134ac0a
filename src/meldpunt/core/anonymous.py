"""The marker of anonymised rows, shared by every app that anonymises its own (retention).

An anonymised signal, case or tenancy gets "geanonimiseerd-<kind><id>" instead of its blind
indexes: unique per row, so no two anonymised rows ever look like the same person or household
(an empty value would pool all of them), and it is the marker that the row was anonymised.
"""

from __future__ import annotations

from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat

ANONYMISED = "geanonimiseerd-"
ANONYMISED_REFERENCE = "-"


def anonymous_key(kind: str) -> Concat:
    """A database expression: the marker plus the row's own id."""
    return Concat(Value(f"{ANONYMISED}{kind}"), Cast("id", output_field=CharField()))


def iso(value) -> str | None:
    """A date or time as ISO text for an export (None stays None)."""
    return value.isoformat() if value is not None else None
