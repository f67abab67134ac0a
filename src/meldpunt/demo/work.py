"""Today's work for the demo (issue #12): what each role finds on its first screen.

The year of history (``demo.history``) is mostly closed cases and cases being worked. This adds
the work of the last days, through the same services as the product:

- signals for Westpoort, a district without a provider: cases waiting for triage by regie,
  two of them crisis signals;
- signals about benefit recipients (the local register says so): Geregelde betaling, the
  income consultant's queue;
- signals outside the target group and repeat signals: automatic decisions regie reviews;
- fresh signals in every district: cases to pick up, some already past the first deadline;
- a file delivered by Eigen Haard with empty lines and two refused rows: the partner's
  refused rows to fix, the upload report;
- letters produced by the caseworkers (each a contact attempt), and cases the CentraM team
  lead gave to a caseworker;
- two API clients of Eigen Haard, one expiring soon: its administrator's home screen.

Deterministic (a fixed random seed), loaded once (the marker is the signals' reference prefix),
in one transaction.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from meldpunt.accounts.demo import require_demo_mode
from meldpunt.accounts.services import api_token_create
from meldpunt.cases.models import Case, Signal
from meldpunt.cases.selectors import caseworkers_of
from meldpunt.cases.services import case_caseworker_assign, letter_produce
from meldpunt.cases.workflow import CaseStatus
from meldpunt.intake.pipeline import IntakeRun
from meldpunt.intake.services import signal_import_create, signal_import_run
from meldpunt.organisations.models import Organisation, OrganisationType, PartnerType
from meldpunt.registries.services import local_registry_import

from .history import SURNAMES, _at

PREFIX = "WERK-"
UPLOAD_NAME = "demo-aanlevering-huuradministratie.csv"
WESTPOORT = ["1041AB", "1042CD", "1043AB", "1044EF", "1045GH", "1046JK", "1047LM"]
# One postcode per district with a provider (Centrum, Noord, Oost, West, Nieuw-West, Zuid,
# Zuidoost, Weesp).
DISTRICT_POSTCODES = [
    "1013AB", "1024CD", "1092EF", "1053GH", "1062JK", "1073LM", "1103NP", "1381RS",
]  # fmt: skip
TRIAGE, INCOME, OUTSIDE, REPEATS, FRESH = 12, 8, 6, 4, 40


def _raw(rng: random.Random, n: int, postcode: str, received: date, **over) -> dict:
    surname = SURNAMES[(n * 7) % len(SURNAMES)]
    prefix, _sep, name = surname.rpartition(" ")
    return {
        "partner_referentie": f"{PREFIX}{n:04d}",
        "voorletters": f"{'ABCDEFGHJKLMNPRSTW'[n % 18]}.",
        "tussenvoegsel": prefix,
        "achternaam": name,
        "geboortedatum": f"{1945 + n % 55}-{1 + n % 12:02d}-{1 + (n * 3) % 28:02d}",
        "straat": "Werkstraat",
        "huisnummer": str(500 + n),
        "postcode": postcode,
        "woonplaats": "Amsterdam",
        "telefoonnummer": f"0620{n:06d}",
        "achterstand_bedrag": f"{rng.randint(900, 3800)},00",
        "maandhuur": f"{rng.randint(550, 1100)},00",
        "onbereikbaar_in_incasso": True,
        "meerdere_problemen": rng.random() < 0.3,
        "signaaldatum": received,
        "crisissignaal": False,
        "poging_persoonlijk_contact": received - timedelta(days=40),
        "gewezen_op_schuldhulp": received - timedelta(days=35),
        "schriftelijke_herinnering": received - timedelta(days=30),
        "informatieplicht_voldaan": received - timedelta(days=30),
        **over,
    }


def _register_benefit_recipients(people: list[dict]) -> None:
    """The local register learns that these people receive a Participatiewet benefit."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["achternaam", "tussenvoegsel", "geboortedatum", "status", "uitkering"])
    for raw in people:
        writer.writerow(
            [raw["achternaam"], raw["tussenvoegsel"], raw["geboortedatum"], "ingezetene", "ja"]
        )
    local_registry_import(stream=io.BytesIO(out.getvalue().encode("utf-8")))


def _plan(rng: random.Random, today: date, landlords: list[Organisation]):
    """(number, received, landlord, raw) for every signal of the last days."""
    plan = []
    n = 0

    def add(received: date, postcode: str, **over) -> dict:
        nonlocal n
        n += 1
        raw = _raw(rng, n, postcode, received, **over)
        plan.append((n, received, landlords[n % len(landlords)], raw))
        return raw

    for i in range(TRIAGE):  # Westpoort: no provider, regie triages
        add(today - timedelta(days=i % 4), WESTPOORT[i % len(WESTPOORT)], crisissignaal=i < 2)
    income = [add(today - timedelta(days=i % 6), DISTRICT_POSTCODES[i % 8]) for i in range(INCOME)]
    for i in range(OUTSIDE):  # below the minimum amount: not taken up, automatically
        add(today - timedelta(days=i % 5), DISTRICT_POSTCODES[i % 8], achterstand_bedrag="60,00")
    for i in range(FRESH):  # to pick up; the older ones are past the first deadline
        add(today - timedelta(days=i % 12), DISTRICT_POSTCODES[i % 8])
    # The same landlords again today about tenants they signalled 11 days ago, the amount not
    # higher: repeat signals, not taken up automatically.
    oldest = [p for p in plan[-FRESH:] if p[1] == today - timedelta(days=11)][:REPEATS]
    repeats = [
        (number + 1000, today, landlord, {**raw, "signaaldatum": today})
        for number, _received, landlord, raw in oldest
    ]
    return plan, repeats, income


def _intake(rows) -> dict[int, Signal]:
    made: dict[int, Signal] = {}
    by_partner: dict[int, list] = {}
    for number, received, partner, raw in rows:
        by_partner.setdefault(partner.pk, []).append((number, received, partner, raw))
    for group in by_partner.values():
        partner = group[0][2]
        run = IntakeRun(partner=partner, by=partner.users.first(), channel="bestand")
        outcomes = run.process([(number, raw) for number, _r, _p, raw in group])
        refs = {o.row: o.public_id for o in outcomes if o.public_id and not o.already_received}
        signals = {s.public_id: s for s in Signal.objects.filter(public_id__in=refs.values())}
        made.update({row: signals[ref] for row, ref in refs.items() if ref in signals})
    return made


def _backdate(made: dict[int, Signal], received: dict[int, date]) -> None:
    """Signals of the last days keep the day they came in (the deadlines count from it)."""
    for number, signal in made.items():
        at = _at(received[number])
        Signal.objects.filter(pk=signal.pk).update(received_at=at)
        if signal.case_id:
            Case.objects.filter(pk=signal.case_id, opened_at__gt=at).update(opened_at=at)


def _upload(partner: Organisation, today: date) -> None:
    """A file as a landlord's system exports it: empty lines, and two rows to fix."""
    rng = random.Random(12)  # noqa: S311 - reproducible demo data, not a secret
    rows = [_raw(rng, 900 + i, DISTRICT_POSTCODES[i % 8], today) for i in range(6)]
    rows[2]["geboortedatum"] = "31-02-1980"  # a date that does not exist
    rows[4]["achternaam"] = ""  # the surname left out
    for r in rows:
        r["partner_referentie"] = r["partner_referentie"].replace(PREFIX, "EH-UP-")
    columns = list(rows[0])
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    for index, r in enumerate(rows):
        if index == 3:
            out.write("\r\n")  # an empty line in the middle of the file
        writer.writerow(
            [v.isoformat() if isinstance(v, date) else ("ja" if v is True else "nee" if v is False
             else v) for v in (r[c] for c in columns)]
        )  # fmt: skip
    clerk = partner.users.first()
    batch = signal_import_create(partner=partner, by=clerk, file_name=UPLOAD_NAME)
    signal_import_run(
        batch=batch, stream=io.BytesIO(out.getvalue().encode("utf-8")), by=clerk, keep_rows=False
    )


def _letters() -> None:
    """Each provider's caseworker sends the first letter for two cases it works."""
    for provider in Organisation.objects.filter(type=OrganisationType.PROVIDER).order_by("slug"):
        worker = provider.users.filter(groups__name="Hulpverlener").order_by("id").first()
        if worker is None:
            continue
        cases = Case.objects.filter(
            provider=provider,
            caseworker=worker,
            status__in=(CaseStatus.PICKED_UP, CaseStatus.IN_CONTACT),
        ).order_by("-opened_at", "-id")[:2]
        for case in cases:
            try:
                letter_produce(case_id=case.pk, by=worker, code="eerste-brief")
            except (ValidationError, PermissionDenied):
                continue


def _api_clients(partner: Organisation) -> None:
    """The landlord's systems: one key that runs for months, one that expires in three weeks
    (the organisation's administrator sees it on the home screen)."""
    admin = partner.users.filter(groups__permissions__codename="manage_api_clients").first()
    now = timezone.now()
    for name, days in (("Huuradministratie (demo)", 300), ("Incassosysteem (demo)", 21)):
        api_token_create(organisation=partner, name=name, expires_at=now + timedelta(days=days),
                         by=admin)  # fmt: skip


def _team_lead_assigns() -> None:
    """The team lead gives each caseworker of the team three cases nobody works yet (and
    leaves the rest for the next team meeting)."""
    User = get_user_model()
    for lead in User.objects.filter(groups__name="Teamleider").order_by("id"):
        workers = list(caseworkers_of(lead.organisation).exclude(pk=lead.pk).order_by("id"))
        ids = list(
            Case.objects.filter(provider=lead.organisation, caseworker=None)
            .exclude(status=CaseStatus.CLOSED)
            .order_by("opened_at", "id")
            .values_list("pk", flat=True)[: 3 * len(workers)]
        )
        for index, worker in enumerate(workers):
            mine = ids[3 * index : 3 * index + 3]
            if mine:
                case_caseworker_assign(case_ids=mine, caseworker=worker, by=lead,
                                       reason="verdeling in het teamoverleg")  # fmt: skip


@transaction.atomic
def demo_work_ensure(*, today: date | None = None) -> int:
    """Load the work of the last days once; returns the number of signals it made."""
    require_demo_mode()
    if Signal.objects.filter(partner_reference__startswith=PREFIX).exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(1212)  # noqa: S311 - reproducible demo data, not a secret
    landlords = list(
        Organisation.objects.filter(partner_type=PartnerType.HUUR, municipalities__code="0363")
        .exclude(users=None)
        .order_by("slug")
    )
    if not landlords:
        return 0
    plan, repeats, income = _plan(rng, today, landlords)
    _register_benefit_recipients(income)
    made = _intake(plan)
    made.update(_intake(repeats))
    _backdate(made, {number: received for number, received, _l, _r in plan + repeats})
    eigen_haard = Organisation.objects.filter(slug="eigen-haard").first()
    if eigen_haard is not None and eigen_haard.users.exists():
        _upload(eigen_haard, today)
        _api_clients(eigen_haard)
    _team_lead_assigns()
    _letters()
    return len(made)
