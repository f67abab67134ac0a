"""A person looked up for the log search waits in the session, never in a URL (ADR 0117).

The surname and birth date are posted; whoever finds the person (``dataprotection``, which
knows the case file) keeps the person's pseudonyms here under a random token, and the log
search's URL carries only that token. The session keeps the last five lookups.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

SESSION_KEY = "privacy_log_persons"
KEEP = 5


def remember_person(session: Any, subject_ids: Iterable[str], persons: int) -> str:
    """Keep the pseudonyms of the persons found; returns the token the log search URL carries."""
    token = secrets.token_urlsafe(9)
    kept = dict(session.get(SESSION_KEY) or {})
    kept[token] = {"subjects": sorted({str(s) for s in subject_ids}), "persons": persons}
    while len(kept) > KEEP:
        kept.pop(next(iter(kept)))
    session[SESSION_KEY] = kept
    return token


def recall_person(session: Any, token: str) -> dict | None:
    """``{"subjects": [...], "persons": n}`` of an earlier lookup, or None when expired."""
    return (session.get(SESSION_KEY) or {}).get(token) if token else None
