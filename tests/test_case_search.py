"""Lists that find anything (issue #12, ADR 0108): search through the blind indexes with the term
never in a URL, filters, sort by deadline, keyset pages, closed cases findable, cases named by
tenant and address for the roles that may see them (and each naming logged)."""

import re
import uuid
from datetime import UTC, datetime, timedelta
from html import unescape as html_unescape

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from meldpunt.cases.models import Case, Signal, Track
from meldpunt.cases.search import Filters, case_page, filtered_cases
from meldpunt.cases.services import case_assign, case_caseworker_assign, case_close
from meldpunt.cases.workflow import CaseStatus
from meldpunt.intake.services import signal_submit
from meldpunt.organisations.models import Municipality, Organisation, OrganisationType
from meldpunt.privacy.models import ProcessingLogEntry

from .conftest import shows, signal_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(covenant, users):
    def submit(ref, surname, birth, postcode="1012 LG", number="12", partner="eigen-haard"):
        signal = signal_submit(
            partner=covenant[partner],
            submitted_by=users[partner],
            raw=signal_data(partner_referentie=ref, achternaam=surname, geboortedatum=birth,
                            postcode=postcode, huisnummer=number),
        )  # fmt: skip
        if signal.case.status == CaseStatus.RECEIVED:
            case_assign(case_id=signal.case_id, provider=signal.case.district.provider,
                        track=Track.VROEG_EROPAF, by=users["regie"])  # fmt: skip
        return Case.objects.get(pk=signal.case_id)

    return {
        "jansen": submit("ZK-1", "Zoekjansen", "1981-03-04", number="20"),
        "vries": submit("ZK-2", "de Zoekvries", "1990-07-08", number="22"),
        "noord": submit("ZK-3", "Zoeknoord", "1970-01-02", postcode="1021 JK", partner="ymere"),
    }


def post_search(client, **data):
    return client.post(reverse("cases:case-search"), data)


def listed(client, response):
    assert response.status_code == 302, response.content.decode()[:800]
    return client.get(response["Location"]).content.decode()


def test_search_by_name_and_birth_date_keeps_the_term_out_of_the_url(clients, world):
    regie = clients["regie"]
    response = post_search(regie, achternaam="zoekjansen", geboortedatum="04-03-1981")
    location = response["Location"]
    assert "oekjansen" not in location.lower() and "1981" not in location
    assert "zoek=" in location
    html = listed(regie, response)
    assert f"Zaak {world['jansen'].reference}" in html
    assert f"Zaak {world['vries'].reference}" not in html
    # Spelling variants find the same person: the key is of the canonical name.
    html = listed(regie, post_search(regie, achternaam="Zoekvries, de", geboortedatum="1990-07-08"))
    assert f"Zaak {world['vries'].reference}" in html


def test_search_by_address_and_by_reference(clients, world):
    regie = clients["regie"]
    html = listed(regie, post_search(regie, postcode="1012lg", huisnummer="22"))
    assert f"Zaak {world['vries'].reference}" in html
    assert f"Zaak {world['jansen'].reference}" not in html
    html = listed(regie, post_search(regie, referentie="ZK-3"))
    assert f"Zaak {world['noord'].reference}" in html
    assert f"Zaak {world['jansen'].reference}" not in html


def test_a_provider_finds_only_its_own_cases(clients, world):
    # Noord is Doras's; Centram cannot find it by name, address or reference.
    centram = clients["centram"]
    for data in (
        {"achternaam": "Zoeknoord", "geboortedatum": "02-01-1970"},
        {"postcode": "1021 JK", "huisnummer": "12"},
        {"referentie": "ZK-3"},
    ):
        html = listed(centram, post_search(centram, **data))
        assert f"Zaak {world['noord'].reference}" not in html
        assert "Aantal zaken: 0." in html


def test_closed_cases_are_findable(clients, users, world):
    case = world["jansen"]
    case_close(
        case_id=case.pk, by=users["centram"], end_result="Definitief geen contact kunnen krijgen"
    )
    regie = clients["regie"]
    assert f"Zaak {case.reference}" not in regie.get(reverse("cases:case-list")).content.decode()
    html = listed(regie, post_search(regie, achternaam="Zoekjansen", geboortedatum="04-03-1981"))
    assert f"Zaak {case.reference}" in html
    closed = regie.get(reverse("cases:case-list") + "?staat=gesloten").content.decode()
    assert f"Zaak {case.reference}" in closed


def test_bad_search_input_says_what_and_where(clients, world):
    regie = clients["regie"]
    response = post_search(regie, achternaam="Zoekjansen")
    assert response.status_code == 400
    assert "Vul ook de geboortedatum in" in response.content.decode()
    response = post_search(regie, achternaam="Zoekjansen", geboortedatum="31-02-1981")
    assert "Deze datum bestaat niet." in response.content.decode()
    response = post_search(regie, postcode="12", huisnummer="x")
    html = response.content.decode()
    assert "Geen geldige postcode" in html and "Gebruik een huisnummer als 12" in html
    assert post_search(regie).status_code == 400
    # An expired or made-up token, an edited cursor, a filter that is no choice: no error page.
    for query in (
        "?zoek=verzonnen",
        "?na=d2026-99-99_x",
        "?na=nonsense",
        "?status=xyz&stadsdeel=a",
    ):
        assert regie.get(reverse("cases:case-list") + query).status_code == 200, query


def test_names_and_addresses_for_roles_that_may_and_each_naming_is_logged(clients, world):
    before = ProcessingLogEntry.objects.filter(name="case.list").count()
    html = clients["regie"].get(reverse("cases:case-list")).content.decode()
    assert "Zoekjansen" in html and "Damrak 20" in html
    assert ProcessingLogEntry.objects.filter(name="case.list").count() == before + 3
    centram = clients["centram"].get(reverse("cases:case-list")).content.decode()
    assert "Zoekjansen" in centram and not shows(centram, "Zoeknoord")
    assert clients["beleid"].get(reverse("cases:case-list")).status_code == 403


def row_of(html: str, case: Case) -> str:
    """The table row of ``case`` in a case list, tags stripped to their text."""
    start = html.index(f"Zaak {case.reference}" if "Zaak " in html else f"Case {case.reference}")
    row = html[html.rindex("<tr", 0, start) : html.index("</tr>", start)]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()


def test_a_row_shows_dates_labels_and_names_as_people_read_them(clients, users, world):
    """Dates as dd-mm-jjjj in Amsterdam time (received at 23:30 UTC is the next day there),
    the status in the language chosen, "—" for what a case does not have yet."""
    jansen, vries = world["jansen"], world["vries"]
    late_evening = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)  # 10 March, 00:30 in Amsterdam
    Case.objects.filter(pk=jansen.pk).update(
        opened_at=late_evening, due_on=timezone.localdate() - timedelta(days=1), crisis=True
    )
    case_caseworker_assign(case_ids=[vries.pk], caseworker=users["centram"],
                           by=users["centram-teamleider"])  # fmt: skip
    regie = clients["regie"]
    html = regie.get(reverse("cases:case-list")).content.decode()
    due = (timezone.localdate() - timedelta(days=1)).strftime("%d-%m-%Y")
    assert row_of(html, jansen) == (
        f"Zaak {jansen.reference} crisis Q. Zoekjansen Damrak 20, 1012LG {due} te laat "
        f"10-03-2026 Toegewezen aan uitvoerder Centrum CentraM —"
    )
    worker = users["centram"].get_full_name() or users["centram"].email
    assert row_of(html, vries).endswith(f"Toegewezen aan uitvoerder Centrum CentraM {worker}")
    regie.cookies["django_language"] = "en"
    english = regie.get(reverse("cases:case-list")).content.decode()
    assert f"Case {jansen.reference} crisis" in row_of(english, jansen)
    assert "late 10-03-2026 Assigned to provider" in row_of(english, jansen)


def test_the_filters_keep_their_choices_and_the_chosen_one(clients, covenant, world):
    """The filter's selects: every choice, the chosen one selected, in Dutch and English."""
    regie = clients["regie"]
    url = reverse("cases:case-list") + f"?staat=alle&uitvoerder={covenant['doras'].pk}"
    html = regie.get(url).content.decode()
    select = html[
        html.index('<select name="uitvoerder"') : html.index(
            "</select>", html.index('<select name="uitvoerder"')
        )
    ]
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select)
    assert options[0] == ("", "", "Alle")
    assert (str(covenant["doras"].pk), " selected", covenant["doras"].name) in options
    assert [o for o in options if o[1]] == [
        (str(covenant["doras"].pk), " selected", covenant["doras"].name)
    ]
    providers = Organisation.objects.filter(type=OrganisationType.PROVIDER, is_active=True)
    assert [name for _, _, name in options[1:]] == [o.name for o in providers.order_by("name")]
    assert '<option value="alle" selected>Alle</option>' in html
    regie.cookies["django_language"] = "en"
    english = regie.get(url).content.decode()
    assert '<option value="alle" selected>All</option>' in english


def test_a_case_is_named_by_its_latest_signal_and_only_that_one_is_decrypted(
    clients, users, covenant, world
):
    """A second landlord signals the same household with other initials: the list names the
    case by the newer signal. The older signal's details are not decrypted at all (here they
    are made unreadable, as a rotated-out key would leave them): the page still shows."""
    jansen = world["jansen"]
    newer = signal_submit(
        partner=covenant["ymere"],
        submitted_by=users["ymere"],
        raw=signal_data(partner_referentie="ZK-9", voorletters="R.S.", achternaam="Zoekjansen",
                        geboortedatum="1981-03-04", huisnummer="20"),
    )  # fmt: skip
    assert newer.case_id == jansen.pk
    older = Signal.objects.filter(case_id=jansen.pk).exclude(pk=newer.pk).get()
    Signal.objects.filter(pk=older.pk).update(received_at=newer.received_at - timedelta(days=3))
    with connection.cursor() as cursor:
        table = Signal._meta.db_table
        cursor.execute(f"UPDATE {table} SET details = %s WHERE id = %s", [b"unreadable", older.pk])
    html = clients["regie"].get(reverse("cases:case-list")).content.decode()
    assert "R.S. Zoekjansen" in row_of(html, jansen) and "Q. Zoekjansen" not in html


def test_filters(clients, users, world, covenant):
    regie = clients["regie"]
    Case.objects.filter(pk=world["vries"].pk).update(
        crisis=True, due_on=timezone.localdate() - timedelta(days=2)
    )
    html = regie.get(reverse("cases:case-list") + "?crisis=on").content.decode()
    assert f"Zaak {world['vries'].reference}" in html
    assert f"Zaak {world['jansen'].reference}" not in html
    html = regie.get(reverse("cases:case-list") + "?te_laat=on").content.decode()
    assert f"Zaak {world['vries'].reference}" in html and "te laat" in html
    assert f"Zaak {world['jansen'].reference}" not in html
    html = regie.get(
        reverse("cases:case-list") + f"?uitvoerder={covenant['doras'].pk}"
    ).content.decode()
    assert f"Zaak {world['noord'].reference}" in html
    assert f"Zaak {world['jansen'].reference}" not in html
    html = regie.get(
        reverse("cases:case-list") + f"?partner={covenant['ymere'].pk}"
    ).content.decode()
    assert f"Zaak {world['noord'].reference}" in html
    assert f"Zaak {world['jansen'].reference}" not in html
    case_caseworker_assign(case_ids=[world["jansen"].pk], caseworker=users["centram"],
                           by=users["centram-teamleider"])  # fmt: skip
    mine = clients["centram"].get(reverse("cases:case-list") + "?casemanager=mijn").content.decode()
    assert f"Zaak {world['jansen'].reference}" in mine
    assert f"Zaak {world['vries'].reference}" not in mine


def test_the_count_says_how_many_cases_the_list_holds(clients, covenant, world):
    """A short list counts what it shows; a longer one counts up to 1.000 ("Meer dan")."""
    regie = clients["regie"]
    assert "Aantal zaken: 3." in regie.get(reverse("cases:case-list")).content.decode()
    assert (
        "Aantal zaken: 1."
        in regie.get(
            reverse("cases:case-list") + f"?uitvoerder={covenant['doras'].pk}"
        ).content.decode()
    )
    municipality = Municipality.objects.get(code="0363")
    Case.objects.bulk_create(
        Case(subject_id=uuid.uuid4(), household_index=f"n{i}", municipality=municipality,
             status=CaseStatus.ASSIGNED, provider=covenant["centram"])
        for i in range(60)
    )  # fmt: skip
    first = regie.get(reverse("cases:case-list")).content.decode()
    assert "Aantal zaken: 63." in first
    second = regie.get(
        reverse("cases:case-list")
        + "?"
        + html_unescape(re.search(r'href="\?([^"]*na=[^"]+)"', first)[1])
    )
    assert "Aantal zaken: 63." in second.content.decode()
    Case.objects.bulk_create(
        Case(subject_id=uuid.uuid4(), household_index=f"m{i}", municipality=municipality,
             status=CaseStatus.ASSIGNED, provider=covenant["centram"])
        for i in range(1000)
    )  # fmt: skip
    assert "Meer dan 1.000 zaken." in regie.get(reverse("cases:case-list")).content.decode()


def test_keyset_pages_by_deadline_without_gaps_or_repeats(covenant, users):
    municipality = Municipality.objects.get(code="0363")
    today = timezone.localdate()
    Case.objects.bulk_create(
        Case(
            subject_id=uuid.uuid4(),
            household_index=f"h{i}",
            municipality=municipality,
            status=CaseStatus.ASSIGNED if i % 3 else CaseStatus.IN_CONTACT,
            provider=covenant["centram"],
            due_on=today + timedelta(days=i % 17 - 8) if i % 3 else None,
        )
        for i in range(130)
    )
    cases = filtered_cases(users["regie"], Filters())
    seen, after, pages = [], "", 0
    while True:
        rows, after = case_page(cases, after=after, size=50)
        seen += rows
        pages += 1
        if not after:
            break
    assert pages == 3 and len(seen) == 130 and len({c.pk for c in seen}) == 130
    dues = [c.due_on for c in seen if c.due_on is not None]
    assert dues == sorted(dues) and all(c.due_on is None for c in seen[len(dues) :])
    rows, after = case_page(cases, sort="ontvangen", size=50)
    rest, _ = case_page(cases, sort="ontvangen", after=after, size=200)
    assert len(rows) + len(rest) == 130 and not {c.pk for c in rows} & {c.pk for c in rest}


@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(state="gesloten"),
        Filters(state="alle", status=CaseStatus.IN_CONTACT),
        Filters(state="alle", status=CaseStatus.ASSIGNED),
        Filters(overdue=True),
        Filters(crisis=True, provider=None),
        Filters(state="alle", crisis=True),
    ],
    ids=["open", "closed", "in-contact", "assigned", "overdue", "crisis", "crisis-all"],
)
def test_pages_of_every_filter_hold_exactly_its_cases(covenant, users, filters):
    # The pages skip the part (with or without a deadline) that the filters rule out
    # (Filters.deadline); what they show is still every case the filters let through, once.
    municipality = Municipality.objects.get(code="0363")
    today = timezone.localdate()
    statuses = [CaseStatus.ASSIGNED, CaseStatus.PICKED_UP, CaseStatus.IN_CONTACT,
                CaseStatus.CLOSED, CaseStatus.RECEIVED]  # fmt: skip
    Case.objects.bulk_create(
        Case(
            subject_id=uuid.uuid4(),
            household_index=f"p{i}",
            municipality=municipality,
            status=(status := statuses[i % len(statuses)]),
            provider=covenant["centram"],
            crisis=i % 4 == 0,
            due_on=today + timedelta(days=i % 13 - 6)
            if status in (CaseStatus.ASSIGNED, CaseStatus.PICKED_UP) and i % 7
            else None,
        )
        for i in range(140)
    )
    cases = filtered_cases(users["regie"], filters)
    seen, after = [], ""
    while True:
        rows, after = case_page(cases, after=after, size=20, deadline=filters.deadline)
        seen += [c.pk for c in rows]
        if not after:
            break
    assert len(seen) == len(set(seen))
    assert set(seen) == set(cases.values_list("pk", flat=True)) and seen
