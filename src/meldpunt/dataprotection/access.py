"""Access requests (inzageverzoek, GDPR art. 15; covenant art. 9.2).

The privacy officer finds a person by blind index — surname + birth date, or address — and
exports everything held about them. The Meldpunt holds no BSN (landlords never send one), so
there is no BSN search. A *person* is one ``cases.Person`` (recognised across spelling variants
by the intake's rules); the search result names each by its pseudonym, never by a key in a URL.

Each app exports its own rows (``cases.personal_data``, ``safeguards.personal_data``): the
person's signals, the cases of their household whole (attempts, notes, instruments, events,
Geregelde betaling with its instructions to the income administration; other
people's signals in the same case are not included), the tenancies with the landlord's own
instruments, the checks, and the processing-log lines about the person's pseudonyms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from meldpunt.cases import personal_data as case_file
from meldpunt.core.anonymous import iso
from meldpunt.privacy.keys import household_key, person_key
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.privacy.services import Processing, processing_log_record_many
from meldpunt.safeguards import personal_data as safeguards

HANDLE_ACCESS_REQUEST = "privacy.handle_access_request"
VIEW_LOG = "privacy.view_processing_log"


def _require(user: Any) -> None:
    if not getattr(user, "is_authenticated", False) or not user.has_perm(HANDLE_ACCESS_REQUEST):
        raise PermissionDenied


def person_index_of(*, surname: str, birth_date: date, prefix: str = "") -> str:
    """The keyed hash the intake stores for a person (one definition: ``keys.person_key``)."""
    return person_key(surname, prefix, birth_date)


def household_index_of(*, postcode: str, number: str, letter: str = "", addition: str = "") -> str:
    """The keyed hash the intake stores for a household (one definition: ``keys.household_key``)."""
    return household_key(postcode, number, letter, addition)


@dataclass(frozen=True)
class PersonFound:
    """One person in a search result: what the privacy officer needs to recognise them."""

    subject_id: str  # the person's pseudonym: what the export form posts
    name: str
    birth_date: str
    address: str
    signals: int


def _address(person: dict) -> str:
    number = "".join(
        str(person.get(k) or "") for k in ("huisnummer", "huisletter", "huisnummertoevoeging")
    )
    return " ".join(
        x
        for x in (person.get("straat"), number, person.get("postcode"), person.get("woonplaats"))
        if x
    )


@transaction.atomic
def access_request_search(
    *, by: Any, person_index: str | None = None, household_index: str | None = None
) -> list[PersonFound]:
    """Persons whose signals match; showing them is a read of their data and is logged."""
    _require(by)
    signals = [
        s
        for s in case_file.signals_about(
            person_key=person_index or "", household_key=household_index or ""
        )
        if s.person_id is not None
    ]
    found: dict[str, PersonFound] = {}
    counts: dict[str, int] = {}
    for signal in signals:
        key = str(signal.person.subject_id)
        counts[key] = counts.get(key, 0) + 1
        if key not in found:
            p = signal.person_details
            found[key] = PersonFound(
                subject_id=key,
                name=signal.display_name,
                birth_date=str(p.get("geboortedatum") or ""),
                address=_address(p),
                signals=0,
            )
    processing_log_record_many(
        actor=by,
        activity="privacy",
        action=ProcessingLogEntry.Action.READ,
        name="access_request.search",
        items=[
            Processing(str(s.subject_id), "signal", s.public_id, ("person", "address"))
            for s in signals
        ],
    )
    return sorted(
        (PersonFound(**{**f.__dict__, "signals": counts[key]}) for key, f in found.items()),
        key=lambda f: (f.name, f.subject_id),
    )


def _subjects_of(person: Any, held: dict[str, list]) -> list[str]:
    """The pseudonyms under which the log knows a person: their own, their signals' and the
    cases of their household (one definition for the access request and the log search)."""
    return sorted(
        {str(person.subject_id)} | {str(s.subject_id) for s in held["signals"]}
        | {str(c.subject_id) for c in held["cases"]}
    )  # fmt: skip


@dataclass(frozen=True)
class LogPerson:
    """The result of a lookup for the log search: how many persons, under which pseudonyms."""

    persons: int
    subject_ids: list[str]


@transaction.atomic
def log_person_lookup(*, by: Any, surname: str, birth_date: date) -> LogPerson:
    """The pseudonyms of the persons with this surname and birth date, for the privacy officer's
    log search (ADR 0117). Found through the blind index, only among the signals of the
    officer's own municipalities; the lookup is a read of each person found and is logged."""
    if not getattr(by, "is_authenticated", False) or not by.has_perm(VIEW_LOG):
        raise PermissionDenied
    organisation = by.organisation
    municipalities = organisation.municipality_ids() if organisation is not None else []
    signals = case_file.signals_about(
        person_key=person_index_of(surname=surname, birth_date=birth_date),
        municipality_ids=municipalities,
    ).filter(person__isnull=False)
    persons = {s.person_id: s.person for s in signals}
    subjects: set[str] = set()
    for person in persons.values():
        # One person may have signals in several municipalities: only the officer's own count.
        held = case_file.holdings(person)
        subjects.update(
            _subjects_of(
                person,
                {
                    key: [x for x in held[key] if x.municipality_id in municipalities]
                    for key in ("signals", "cases")
                },
            )
        )
    processing_log_record_many(
        actor=by,
        activity="privacy",
        action=ProcessingLogEntry.Action.READ,
        name="processing_log.find_person",
        items=[
            Processing(str(p.subject_id), "person", p.subject_id, ("person_index",))
            for p in persons.values()
        ],
    )
    return LogPerson(persons=len(persons), subject_ids=sorted(subjects))


def _log_line(entry: ProcessingLogEntry) -> dict[str, Any]:
    return {
        "tijdstip": iso(entry.start_time),
        "handeling": entry.get_action_display(),
        "naam": entry.name,
        "status": entry.status,
        "verwerking": f"{entry.processing_activity.name} (v{entry.processing_activity.version})",
        "grondslag": entry.processing_activity.legal_basis,
        "organisatie": entry.actor_organisation.name if entry.actor_organisation else None,
        "betrokkene": entry.data_subject_id,
        "object": f"{entry.object_type} {entry.object_id}",
        "velden": entry.fields,
    }


@transaction.atomic
def access_request_export(*, by: Any, subject_id: str, file_format: str) -> dict[str, Any]:
    """Everything held about one person, as a JSON-ready dict; the export itself is logged."""
    _require(by)
    person = case_file.person_by_subject(subject_id) if subject_id else None
    if person is None:
        raise PermissionDenied
    held = case_file.holdings(person)
    signals, cases, tenancies = held["signals"], held["cases"], held["tenancies"]
    checks = list(
        safeguards.checks_about(signal_ids=[s.pk for s in signals], subject_ids=[person.subject_id])
    )
    subjects = _subjects_of(person, held)
    log = list(
        ProcessingLogEntry.objects.filter(data_subject_id__in=subjects)
        .select_related("processing_activity", "actor_organisation")
        .order_by("sequence")
    )
    export = {
        "inzageverzoek": {
            "gemaakt_op": timezone.now().isoformat(),
            "gemaakt_door_organisatie": by.organisation.name if by.organisation else None,
            "grondslag": "AVG art. 15; convenant art. 9.2",
            "toelichting": (
                "Alle gegevens die het Meldpunt over deze persoon bewaart. Zaken horen bij het "
                "huishouden: contactpogingen, notities en instrumenten van een zaak kunnen ook "
                "andere bewoners betreffen; controleer dit vóór verstrekking. Het Meldpunt "
                "bewaart geen BSN."
            ),
            "betrokkenen": subjects,
        },
        "signalen": [case_file.export_signal(s) for s in signals],
        "zaken": [case_file.export_case(c) for c in cases],
        "huurrelaties": [case_file.export_tenancy(t) for t in tenancies],
        "genoemd_als_medehuurder": [
            case_file.export_co_tenant_mention(s) for s in held["co_tenant_in"]
        ],
        "toetsen_sluitende_aanpak": [safeguards.export_check(c) for c in checks],
        "uitkomsten": [
            safeguards.export_outcome(o)
            for o in safeguards.outcomes_about(tenancy_ids=[t.pk for t in tenancies])
        ],
        "verwerkingslog": [_log_line(e) for e in log],
    }
    arrangement_fields = case_file.ARRANGEMENT_PERSONAL_FIELDS
    processing_log_record_many(
        actor=by,
        activity="privacy",
        action=ProcessingLogEntry.Action.EXPORT,
        name=f"access_request.export.{file_format}",
        items=[Processing(str(s.subject_id), "signal", s.public_id, ("all",)) for s in signals]
        + [Processing(str(c.subject_id), "case", c.public_id, ("all",)) for c in cases]
        + [Processing(str(person.subject_id), "tenancy", t.public_id, ("all",)) for t in tenancies]
        + [
            Processing(str(a.case.subject_id), "arrangement", a.public_id, arrangement_fields)
            for a in case_file.arrangements_of(cases)
        ],
    )
    return export
