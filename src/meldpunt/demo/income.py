"""Demo Geregelde betaling (issue #15): benefit recipients in every step of the track, so the
income consultant's screen has work on the first log-in.

Six fictitious households on a Participatiewet benefit (the local register says so), signalled
by Amsterdam landlords and routed to the track by the intake: one waiting for a proposal, one
proposed, one agreed with the tenant, one instructed (sent, waiting for the income
administration's confirmation), one running and one ended because the arrears were cleared.
Everything goes through the services (intake, the track, the outbox and a receipt through the
file adapter's format); then the running and ended ones are dated back a few months, as the
history demo does. Loaded once (by the landlords' references).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from meldpunt.accounts.demo import DEMO_DOMAIN, require_demo_mode
from meldpunt.accounts.models import User
from meldpunt.cases import income_services as gb
from meldpunt.cases.models import Arrangement, IncomeInstruction, InstrumentDeployment, Signal
from meldpunt.cases.workflow import ArrangementStatus as A
from meldpunt.intake.services import signal_submit
from meldpunt.organisations.models import Organisation
from meldpunt.privacy.keys import person_key
from meldpunt.registries.models import LocalRegistryRecord

# (landlord, reference, initials, prefix, surname, birth date, postcode, number, the step to
# reach). Fictitious people; the rent and instalment are derived from the line number.
DEMO_BENEFIT_RECIPIENTS = [
    ("eigen-haard", "GB-DEMO-01", "R.", "", "Koster", "1968-04-02", "1013BC", 21, "wacht"),
    ("ymere", "GB-DEMO-02", "F.", "", "Yildiz", "1972-09-11", "1022AB", 8, A.PROPOSED),
    ("de-key", "GB-DEMO-03", "T.", "van der", "Linden", "1985-01-23", "1094CC", 45, A.AGREED),
    ("rochdale", "GB-DEMO-04", "N.", "", "Ouali", "1979-06-30", "1065DD", 17, A.INSTRUCTED),
    ("stadgenoot", "GB-DEMO-05", "W.", "", "Ramsaran", "1963-12-05", "1103EE", 2, A.RUNNING),
    ("de-alliantie", "GB-DEMO-06", "H.", "de", "Bruin", "1958-03-14", "1056FF", 60, A.ENDED),
]
STEPS = [A.PROPOSED, A.AGREED, A.INSTRUCTED, A.RUNNING, A.ENDED]


def _months_ago(today: date, months: int) -> date:
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return date(year, month + 1, 1)


def _signal(row: tuple, index: int, today: date) -> Signal:
    slug, ref, initials, prefix, surname, born, postcode, number, _step = row
    LocalRegistryRecord.objects.get_or_create(
        person_index=person_key(surname, prefix, date.fromisoformat(born)),
        defaults={"benefit_recipient": True},
    )
    partner = Organisation.objects.get(slug=slug)
    return signal_submit(
        partner=partner,
        submitted_by=partner.users.order_by("id").first(),
        raw={
            "partner_referentie": ref,
            "voorletters": initials,
            "tussenvoegsel": prefix,
            "achternaam": surname,
            "geboortedatum": born,
            "straat": "Voorbeeldstraat",
            "huisnummer": number,
            "postcode": postcode,
            "woonplaats": "Amsterdam",
            "telefoonnummer": f"06987654{index:02d}",
            "achterstand_bedrag": f"{900 + 150 * index},00",
            "maandhuur": f"{640 + 15 * index},00",
            "onbereikbaar_in_incasso": True,
            "signaaldatum": today - timedelta(days=3 + index),
            "poging_persoonlijk_contact": today - timedelta(days=40),
            "gewezen_op_schuldhulp": today - timedelta(days=35),
            "schriftelijke_herinnering": today - timedelta(days=30),
            "informatieplicht_voldaan": today - timedelta(days=30),
        },
    )


def _confirm_start(arrangement: Arrangement, today: date) -> None:
    """The income administration's receipt for the start, in its file format."""
    start = arrangement.instructions.get(kind=IncomeInstruction.Kind.START)
    content = (
        "opdracht_id;resultaat;datum;toelichting\r\n"
        f"{start.public_id};verwerkt;{today.isoformat()};ingehouden vanaf de eerste periode\r\n"
    ).encode()
    gb.income_receipt_read(name=f"demo-ontvangst-{arrangement.reference}.csv", content=content)


def _date_back(arrangement: Arrangement, started: date, ended: date | None) -> None:
    """Running for a few months already (demo only: the dates the figures count by)."""
    Arrangement.objects.filter(pk=arrangement.pk).update(started_on=started, ended_on=ended)
    InstrumentDeployment.objects.filter(pk=arrangement.deployment_id).update(
        deployed_on=started, ended_on=ended
    )


@transaction.atomic
def demo_income_ensure() -> int:
    """Benefit recipients in every step of Geregelde betaling; returns the signals made."""
    require_demo_mode()
    consultant = User.objects.filter(email=f"inkomen@{DEMO_DOMAIN}").first()
    if consultant is None:
        return 0
    today = timezone.localdate()
    made = 0
    for index, row in enumerate(DEMO_BENEFIT_RECIPIENTS, start=1):
        if Signal.objects.filter(partner__slug=row[0], partner_reference=row[1]).exists():
            continue
        signal = _signal(row, index, today)
        made += 1
        step = row[-1]
        if step not in STEPS or signal.case_id is None:
            continue  # waits for a proposal in the consultant's queue
        target = STEPS.index(step)
        back = 4 if step == A.ENDED else 2
        arrangement = gb.arrangement_propose(
            case_id=signal.case_id, by=consultant, client_number=f"PW-{400100 + index}",
            rent_amount=f"{640 + 15 * index},00", arrears_instalment=f"{40 + 5 * index},00",
            payment_reference=row[1], first_period=_months_ago(today, back),
        )  # fmt: skip
        if target >= STEPS.index(A.AGREED):
            gb.arrangement_agree(arrangement_id=arrangement.pk, by=consultant, consent_on=today,
                                 legal_basis="pw-vrijwillig")  # fmt: skip
        if target >= STEPS.index(A.INSTRUCTED):
            gb.arrangement_instruct(arrangement_id=arrangement.pk, by=consultant)
            gb.instructions_deliver()
        if target >= STEPS.index(A.RUNNING):
            _confirm_start(arrangement, today)
            arrangement.refresh_from_db()
            ended = None
            if step == A.ENDED:
                gb.arrangement_end(arrangement_id=arrangement.pk, by=consultant,
                                   reason="achterstand-ingelopen")  # fmt: skip
                gb.instructions_deliver()
                ended = today
            _date_back(arrangement, _months_ago(today, back), ended)
    return made
