"""What an API key (API-koppeling) may do: its scopes (docs/adr/0105-api-clients.md).

A key belongs to one organisation and acts as its own service user; the scopes say which API
operations it may call, and which kinds of organisation may give a key that scope. A view
declares the scope each method needs (``token_scopes``); an operation without a declared scope
is closed to every key.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from meldpunt.organisations.models import OrganisationType as T


@dataclass(frozen=True)
class Scope:
    code: str
    label: str
    organisation_types: frozenset[str]


SUBMIT = "submit"
READ_FEEDBACK = "read-feedback"
OUTCOMES = "outcomes"
CASEWORK = "casework"
EXPORT = "export"
# The dashboard's figures (aggregates, small cells suppressed), for every kind of organisation:
# not ``export``, which is the municipality's DDAS delivery of records (ADR 0122).
REPORTS = "reports"
ANY = "*"  # an operation any key may call (public reference data)

SCOPES: dict[str, Scope] = {
    s.code: s
    for s in (
        Scope(SUBMIT, _("Signalen melden"), frozenset({T.PARTNER})),
        Scope(READ_FEEDBACK, _("Terugkoppeling lezen"), frozenset({T.PARTNER})),
        Scope(OUTCOMES, _("Uitkomsten vastleggen"), frozenset({T.PARTNER, T.PROVIDER})),
        Scope(CASEWORK, _("Zaken werken"), frozenset({T.PROVIDER})),
        Scope(EXPORT, _("Exporteren"), frozenset({T.MUNICIPALITY})),
        Scope(REPORTS, _("Cijfers lezen"), frozenset({T.PARTNER, T.PROVIDER, T.MUNICIPALITY})),
    )
}
# What keys made before scopes existed could do (landlords' systems): kept by the migration.
LEGACY_SCOPES = [SUBMIT, READ_FEEDBACK]
# The role of a key's service user, per kind of organisation (accounts/roles.py).
SERVICE_ROLE = {T.PARTNER: "signaleerder", T.PROVIDER: "hulpverlener", T.MUNICIPALITY: "beleid"}


def scopes_for(organisation_type: str) -> list[Scope]:
    return [s for s in SCOPES.values() if organisation_type in s.organisation_types]
