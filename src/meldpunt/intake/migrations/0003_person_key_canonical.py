"""Person keys now hash the canonical surname WITH its tussenvoegsel (core/names.py) and are empty
without a birth date: recompute them for the signals already stored (they are decrypted here, in
memory only). Anonymised signals keep their marker. The local register holds only keys: load it
again with ``meldpunt import-register`` (docs/operators.md)."""

from datetime import date

from django.db import migrations


def recompute(apps, schema_editor):
    from meldpunt.privacy.keys import person_key

    Signal = apps.get_model("intake", "Signal")
    for signal in Signal.objects.exclude(person_index__startswith="geanonimiseerd-").iterator(
        chunk_size=2000
    ):
        person = (signal.details or {}).get("person", {})
        birth = person.get("geboortedatum")
        key = person_key(
            person.get("achternaam") or "",
            person.get("tussenvoegsel") or "",
            date.fromisoformat(birth) if birth else None,
        )
        if key != signal.person_index:
            Signal.objects.filter(pk=signal.pk).update(person_index=key)


class Migration(migrations.Migration):
    dependencies = [("intake", "0002_signal_decision_idempotencyrecord")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
