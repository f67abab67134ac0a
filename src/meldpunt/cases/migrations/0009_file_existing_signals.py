"""File the signals already received under persons and tenancies (docs/adr/0008-case-file.md).

Each signal's person is recognised by the same rules as the intake (``cases.identity``): the key
of the canonical name + birth date, else this landlord's reference. Decrypted in memory only. A
case's members are the persons of its signals. The exactly-once key now includes the person. A landlord's own instrument moves from the signal
it was recorded through to that signal's tenancy; a check points at its signal's tenancy.
Anonymised signals (retention) stay unfiled.
"""

import uuid
from datetime import date

from django.db import migrations


def _delivery_key(signal, details):
    """The intake's exactly-once key, now with the person in it (as intake.pipeline.delivery_key
    makes it for new signals; written out here so this migration never changes with that code)."""
    from meldpunt.core.names import canonical_surname
    from meldpunt.privacy.crypto import blind_index

    tenant = details.get("person", {})
    arrears = details.get("arrears", {})
    parts = [
        signal.partner_reference,
        str(arrears.get("achterstand_bedrag") or ""),
        signal.signal_date.isoformat(),
        arrears.get("achterstand_sinds") or "",
        tenant.get("postcode") or "",
        tenant.get("geboortedatum") or "",
        canonical_surname(tenant.get("achternaam") or "", tenant.get("tussenvoegsel") or ""),
    ]
    return blind_index("delivery", *parts)


def file_signals(apps, schema_editor):
    from meldpunt.privacy.keys import birth_key, person_key

    Signal = apps.get_model("cases", "Signal")
    Person = apps.get_model("cases", "Person")
    Tenancy = apps.get_model("cases", "Tenancy")
    CaseMember = apps.get_model("cases", "CaseMember")
    InstrumentDeployment = apps.get_model("cases", "InstrumentDeployment")
    SafeguardCheck = apps.get_model("safeguards", "SafeguardCheck")

    people = {}  # name key -> Person
    by_reference = {}  # (partner id, reference) -> Person
    tenancies = {}  # (partner id, person id) -> Tenancy
    members = set()
    signals = Signal.objects.exclude(person_index__startswith="geanonimiseerd-").order_by("id")
    for signal in signals.iterator(chunk_size=2000):
        details = signal.details or {}
        tenant = details.get("person", {})
        birth = tenant.get("geboortedatum")
        born = date.fromisoformat(birth) if birth else None
        key = person_key(tenant.get("achternaam") or "", tenant.get("tussenvoegsel") or "", born)
        birth_k = birth_key(born)
        person = people.get(key) if key else None
        if person is None:
            known = by_reference.get((signal.partner_id, signal.partner_reference))
            if known is not None and not (birth_k and known.birth_key and birth_k != known.birth_key):
                person = known
        if person is None:
            person = Person.objects.create(subject_id=uuid.uuid4(), name_key=key, birth_key=birth_k)
            if key:
                people[key] = person
        by_reference[(signal.partner_id, signal.partner_reference)] = person
        tenancy = tenancies.get((signal.partner_id, person.pk))
        if tenancy is None:
            tenancy = Tenancy.objects.create(
                partner_id=signal.partner_id,
                person=person,
                reference=signal.partner_reference,
                household_index=signal.household_index,
            )
            tenancies[(signal.partner_id, person.pk)] = tenancy
        Signal.objects.filter(pk=signal.pk).update(
            person=person, tenancy=tenancy, intake_key=_delivery_key(signal, details)
        )
        if signal.case_id and (signal.case_id, person.pk) not in members:
            CaseMember.objects.create(case_id=signal.case_id, person=person, role="huurder")
            members.add((signal.case_id, person.pk))
    for deployment in InstrumentDeployment.objects.filter(signal__isnull=False):
        tenancy_id = Signal.objects.filter(pk=deployment.signal_id).values_list(
            "tenancy_id", flat=True
        ).first()
        if tenancy_id:
            InstrumentDeployment.objects.filter(pk=deployment.pk).update(tenancy_id=tenancy_id)
    for check in SafeguardCheck.objects.filter(signal__isnull=False):
        tenancy_id = Signal.objects.filter(pk=check.signal_id).values_list(
            "tenancy_id", flat=True
        ).first()
        if tenancy_id:
            SafeguardCheck.objects.filter(pk=check.pk).update(tenancy_id=tenancy_id)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_persons_tenancies_members"),
        ("safeguards", "0004_check_tenancy"),
    ]

    operations = [migrations.RunPython(file_signals, migrations.RunPython.noop)]
