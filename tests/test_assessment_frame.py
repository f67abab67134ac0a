"""The assessment frame (issue #12): ordered rules on signal facts put each new case in a named
queue with a first action; functioneel beheer edits them with a change history; a rule change
never moves cases already in a queue."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meldpunt.cases import frame
from meldpunt.cases.models import AssessmentFrame, Case
from meldpunt.intake.services import signal_submit

from .conftest import signal_data

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 2)


def facts(**overrides):
    values = dict(partner_types=frozenset({"Huur"}), amount=Decimal(800), months=Decimal(1),
                  creditors=1, crisis=False, age=45, warm_handover=False, repeat=False)  # fmt: skip
    values.update(overrides)
    return frame.Facts(**values)


@pytest.mark.parametrize(
    ("overrides", "queue", "action"),
    [
        ({"crisis": True, "age": 20}, "Crisis", "Huisbezoek"),  # first rule wins
        ({"age": 26}, "Jongeren tot 27", "Telefoon"),
        ({"age": 27}, "Lage urgentie", "Brief"),
        ({"creditors": 2}, "Meerdere schuldeisers", "Huisbezoek"),
        ({"amount": Decimal(2500)}, "Hoge achterstand", "Huisbezoek"),
        ({"amount": Decimal("2499.99")}, "Lage urgentie", "Brief"),
        ({"age": None}, "Lage urgentie", "Brief"),  # unknown age is not young
    ],
)
def test_the_default_rules(overrides, queue, action):
    assert frame.place(frame.DEFAULT_RULES, facts(**overrides))[:2] == (queue, action)


def test_each_condition_and_the_default_queue():
    rules = [
        {"queue": "Energie", "action": "Telefoon", "partner_type": "Energie"},
        {"queue": "Lang", "action": "Kaartje", "min_months": "3"},
        {"queue": "Warm", "action": "Telefoon", "warm_handover": True},
        {"queue": "Herhaald", "action": "Huisbezoek", "repeat": True},
    ]
    assert frame.place(rules, facts(partner_types=frozenset({"Energie"})))[0] == "Energie"
    assert frame.place(rules, facts(months=Decimal(3)))[0] == "Lang"
    assert frame.place(rules, facts(warm_handover=True))[0] == "Warm"
    assert frame.place(rules, facts(repeat=True)) == ("Herhaald", "Huisbezoek", 4)
    assert frame.place(rules, facts()) == (frame.DEFAULT_QUEUE, frame.DEFAULT_ACTION, None)
    assert frame.age_on("2000-12-03", TODAY) == 25 and frame.age_on("2000-12-02", TODAY) == 26


def test_a_new_case_lands_in_its_queue_and_stays_there(covenant, users, clients, today):
    young = signal_submit(
        partner=covenant["eigen-haard"],
        submitted_by=users["eigen-haard"],
        raw=signal_data(partner_referentie="EH-JONG", achternaam="Jongmens",
                        geboortedatum=date(today.year - 22, 1, 15).isoformat()),
    )  # fmt: skip
    case = Case.objects.get(pk=young.case_id)
    assert (case.queue, case.first_action) == ("Jongeren tot 27", "Telefoon")
    assert case.queue_rule == "regel 2: Jongeren tot 27"
    page = clients["regie"].get(reverse("cases:case-detail", args=[case.public_id]))
    assert "Jongeren tot 27" in page.content.decode()

    # Functioneel beheer changes the frame: one rule for everyone.
    beheer = clients["beheer"]
    url = reverse("cases:frame-config")
    assert beheer.get(url).status_code == 200
    form = {"regel-TOTAL_FORMS": "1", "regel-INITIAL_FORMS": "0", "regel-MIN_NUM_FORMS": "0",
            "regel-MAX_NUM_FORMS": "1000", "regel-0-queue": "Iedereen",
            "regel-0-action": "Kaartje", "regel-0-ORDER": "1"}  # fmt: skip
    assert beheer.post(url, form).status_code == 302
    assert AssessmentFrame.objects.count() == 2
    assert AssessmentFrame.objects.first().rules == [{"queue": "Iedereen", "action": "Kaartje"}]
    # The case already in a queue stays; a new one follows the new rules.
    case.refresh_from_db()
    assert case.queue == "Jongeren tot 27"
    other = signal_submit(
        partner=covenant["eigen-haard"],
        submitted_by=users["eigen-haard"],
        raw=signal_data(partner_referentie="EH-NA", achternaam="Nakomer"),
    )
    assert Case.objects.get(pk=other.case_id).queue == "Iedereen"
    history = beheer.get(url).content.decode()
    assert "standaardregels" in history and "Iedereen" in history

    # The home screen shows the queues with their waiting cases.
    home = clients["regie"].get(reverse("home")).content.decode()
    assert "Werkbakken" in home and "Iedereen" in home


def test_bad_rules_are_refused_in_dutch(clients):
    url = reverse("cases:frame-config")
    base = {"regel-TOTAL_FORMS": "1", "regel-INITIAL_FORMS": "0", "regel-MIN_NUM_FORMS": "0",
            "regel-MAX_NUM_FORMS": "1000", "regel-0-ORDER": "1"}  # fmt: skip
    bad = clients["beheer"].post(url, {**base, "regel-0-queue": "X", "regel-0-action": "Fax"})
    assert bad.status_code == 400 and AssessmentFrame.objects.count() == 1
    negative = clients["beheer"].post(
        url, {**base, "regel-0-queue": "X", "regel-0-action": "Brief", "regel-0-min_amount": "-5"}
    )
    assert negative.status_code == 400
    empty = clients["beheer"].post(url, {**base, "regel-0-DELETE": "on", "regel-0-queue": "X",
                                         "regel-0-action": "Brief"})  # fmt: skip
    assert empty.status_code == 400 and "minstens één regel" in empty.content.decode()
    assert clients["regie"].get(url).status_code == 403


@pytest.mark.parametrize("kind", ["eigen-haard", "energie"])
def test_the_intake_places_a_batch_as_the_stored_signals_would(covenant, users, today, kind):
    """The intake places the cases it opens while it writes them, from what it holds in memory
    (``filing.CaseFileBatch``); ``frame_place_cases`` places a case from its stored signals.
    For a batch with every kind of fact (age, amount, months, crisis, warm hand-over, repeats
    and a co-tenant's row joining a case opened in the same batch) both give the same."""
    from meldpunt.cases.services import frame_place_cases
    from meldpunt.intake.pipeline import IntakeRun

    AssessmentFrame.objects.create(
        rules=[
            {"queue": "Herhaald", "action": "Kaartje", "repeat": True},
            {"queue": "Crisis", "action": "Huisbezoek", "crisis": True},
            {"queue": "Warm", "action": "Telefoon", "warm_handover": True},
            {"queue": "Lang", "action": "Kaartje", "min_months": "2"},
            {"queue": "Energie", "action": "Telefoon", "partner_type": "Energie",
             "min_amount": "900"},
            {"queue": "Jong", "action": "Telefoon", "under_27": True},
            {"queue": "Hoog", "action": "Huisbezoek", "min_amount": "2000"},
        ]
    )  # fmt: skip
    partner = users[kind].organisation
    young = date(today.year - 22, 3, 1).isoformat()

    def row(ref, name, amount, rent="900", months="1", **extra):
        data = signal_data(partner_referentie=ref, achternaam=name, achterstand_bedrag=amount,
                           postcode=f"10{11 + len(name) % 7} AB", **extra)  # fmt: skip
        if kind == "energie":
            data.pop("maandhuur")
            data["maanden_achterstand"] = months
            data["maandtermijn"] = "145,00"
        else:
            data["maandhuur"] = rent
        return data

    rows = [
        row("A", "Eerste", "800"),
        row("A2", "Eerste", "1200"),  # the same person, higher: joins (two signals)
        row("B", "Crisisa", "800", crisissignaal="on"),
        row("C", "Warmhand", "800", warme_overdracht="on"),
        row("D", "Langlopend", "3000", rent="1000", months="2,5"),
        row("E", "Jongmens", "950", months="0,5", geboortedatum=young),
        row("F", "Hoogbedrag", "2500,50", rent="2000"),
        row("G", "Gewoon", "700", rent="800"),
        row("G2", "Gewoon", "650", rent="800"),  # lower: a repeat
    ]
    if kind == "eigen-haard":  # co-tenants are a landlord's field
        rows += [
            row("H", "Hoofd", "800", medehuurder_achternaam="Mede",
                medehuurder_geboortedatum="1981-02-02"),
            row("I", "Mede", "990", geboortedatum="1981-02-02"),  # the co-tenant signals
        ]  # fmt: skip
    run = IntakeRun(partner=partner, by=None, channel="bestand")
    outcomes = run.process(list(enumerate(rows, start=1)))
    assert [o.errors for o in outcomes if o.errors] == []
    cases = list(Case.objects.order_by("pk"))
    placed = {c.pk: (c.queue, c.first_action, c.queue_rule) for c in cases}
    assert len({p[0] for p in placed.values()}) >= 5  # the batch reaches several rules
    assert all(queue for queue, _action, _rule in placed.values())
    Case.objects.update(queue="", first_action="", queue_rule="")
    assert frame_place_cases(case_ids=list(placed)) == len(placed)
    again = {c.pk: (c.queue, c.first_action, c.queue_rule) for c in Case.objects.order_by("pk")}
    assert again == placed


_AMOUNTS = st.one_of(st.none(), st.sampled_from(["0", "800", "2499.99", "2500", "1.234,56", "x"]))
_SIGNALS = st.builds(
    frame.FrameSignal,
    partner_id=st.sampled_from([1, 2]),
    partner_type=st.sampled_from(["Huur", "Energie"]),
    crisis=st.booleans(),
    warm_handover=st.booleans(),
    arrears=st.fixed_dictionaries(
        {"achterstand_bedrag": _AMOUNTS, "maanden_achterstand": _AMOUNTS, "maandhuur": _AMOUNTS}
    ),
    person_details=st.fixed_dictionaries(
        {
            "geboortedatum": st.one_of(
                st.none(), st.sampled_from(["2000-12-02", "2000-12-03", "1950-01-01", "geen"])
            )
        }
    ),
)
_RULES = st.lists(
    st.fixed_dictionaries(
        {"queue": st.sampled_from(["A", "B", "C" * 100])},
        optional={
            "action": st.sampled_from(frame.ACTIONS),
            "partner_type": st.sampled_from(["Huur", "Energie"]),
            "min_amount": st.sampled_from(["0", "900", "2500"]),
            "min_months": st.sampled_from(["1", "2,5"]),
            **{
                flag: st.booleans()
                for flag in ("several_creditors", "crisis", "under_27", "warm_handover", "repeat")
            },
        },
    ),
    max_size=4,
)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(signals=st.lists(_SIGNALS, min_size=1, max_size=3), rules=_RULES)
def test_the_placer_places_as_the_rules_read_one_by_one(signals, rules):
    """``Placer`` (conditions read once, one signal without bookkeeping) decides as ``place``
    on the facts of the general path."""
    facts = frame._facts_of_many(signals, TODAY)
    assert frame.facts_of(signals, TODAY) == facts
    queue, action, number = frame.place(rules, facts)
    label = frame.rule_label(rules, number)
    assert frame.Placer(rules, TODAY)(signals) == (queue[:80], action, label)
    assert frame.placement(rules, signals, TODAY) == (queue[:80], action, label)


_PARSED = st.one_of(st.none(), st.sampled_from([Decimal("0"), Decimal("0.00"), Decimal("800"),
                                                 Decimal("2499.99"), Decimal("2500"),
                                                 Decimal("1234.56"), Decimal("0.5")]))  # fmt: skip


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    partner_type=st.sampled_from(["Huur", "Energie"]),
    crisis=st.booleans(),
    warm=st.booleans(),
    amount=_PARSED,
    months=_PARSED,
    rent=_PARSED,
    born=st.one_of(st.none(), st.dates(date(1900, 1, 1), TODAY)),
    rules=_RULES,
)
def test_one_parsed_signal_is_placed_as_its_stored_form(
    partner_type, crisis, warm, amount, months, rent, born, rules
):
    """``Placer.one`` on the parsed values (the intake's preparing process) places as the
    Placer on the signal as stored: numbers and the birth date as text (``pipeline._plain``)."""
    placer = frame.Placer(rules, TODAY)
    text = {"achterstand_bedrag": amount, "maanden_achterstand": months, "maandhuur": rent}
    stored = frame.FrameSignal(
        1,
        partner_type,
        crisis,
        warm,
        {name: None if value is None else str(value) for name, value in text.items()},
        {"geboortedatum": born.isoformat() if born else None},
    )
    one = placer.one(partner_type=partner_type, crisis=crisis, warm_handover=warm,
                     amount=amount, months=months, rent=rent, born=born)  # fmt: skip
    assert one == placer([stored])


def test_one_signal_s_facts_have_the_fields_of_the_facts():
    # Placer.one and facts_of make the same Facts; the rules' tests read these names.
    assert frame.Facts._fields == (
        "partner_types", "amount", "months", "creditors", "crisis", "age", "warm_handover",
        "repeat",
    )  # fmt: skip


def test_a_frame_changed_during_an_import_places_by_the_frame_in_force(covenant):
    """The preparing process places each row with the frame of the run's start; a batch
    written after functioneel beheer changed the frame follows the new one."""
    from meldpunt.intake.pipeline import IntakeRun

    run = IntakeRun(partner=covenant["eigen-haard"], by=None, channel="bestand")
    before = run.prepare([(1, signal_data(partner_referentie="V", achternaam="Voor"))])
    run.write(before)
    assert Case.objects.get().queue != "Nieuw kader"
    after = run.prepare([(2, signal_data(partner_referentie="N", achternaam="Nieuw"))])
    AssessmentFrame.objects.create(rules=[{"queue": "Nieuw kader", "action": "Kaartje"}])
    run.write(after)
    assert Case.objects.order_by("pk").last().queue == "Nieuw kader"
    assert Case.objects.order_by("pk").last().queue_rule == "regel 1: Nieuw kader"
