"""rotate-keys re-encrypts every encrypted field and the MFA secrets under the active key (issue #5)."""

from __future__ import annotations

import io

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management import call_command
from django.db import models
from django.db.models.functions import Cast

from meldpunt.accounts.adapters import MFAAdapter
from meldpunt.cases.models import Signal
from meldpunt.intake.services import signal_submit
from meldpunt.privacy.crypto import DecryptionError, key_id_of, reset_key_cache
from meldpunt.privacy.rotation import encrypted_models, rotate_model

from .conftest import signal_data

pytestmark = pytest.mark.django_db

T1 = "t1:dGVzdC1rZXktMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDA="
T2 = "t2:dGVzdC1rZXktMTExMTExMTExMTExMTExMTExMTExMTE="
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def keys(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    def use(*, ring: str, active: str) -> None:
        settings.MELDPUNT_ENCRYPTION_KEYS = ring
        settings.MELDPUNT_ENCRYPTION_ACTIVE_KEY = active
        reset_key_cache()

    use(ring=f"{T1},{T2}", active="t1")
    yield use
    reset_key_cache()


@pytest.fixture
def data(keys, covenant, users):
    for i in range(7):
        signal_submit(
            partner=covenant["eigen-haard"],
            submitted_by=users["eigen-haard"],
            raw=signal_data(
                partner_referentie=f"HC-{i:03}", achternaam=f"Rotatie{i}", huisnummer=str(i + 1)
            ),
        )
    TOTP.activate(users["regie"], SECRET)
    RecoveryCodes.activate(users["regie"])
    return users


def _signal_key_ids() -> set[str]:
    rows = Signal.objects.annotate(raw=Cast("details", models.BinaryField())).values_list(
        "raw", flat=True
    )
    return {key_id_of(bytes(raw)) for raw in rows}


def _mfa_key_ids() -> set[str]:
    ids = set()
    for data in Authenticator.objects.values_list("data", flat=True):
        for key in ("secret", "seed"):
            if key in data:
                ids.add(key_id_of(bytes.fromhex(data[key])))
    return ids


def _rotate(*args: str) -> str:
    out = io.StringIO()
    call_command("rotate-keys", *args, stdout=out)
    return out.getvalue()


def test_every_encrypted_field_is_discovered():
    labels = {model._meta.label: [f.name for f in fields] for model, fields in encrypted_models()}
    assert labels["cases.Signal"] == ["details"]
    # The case work and the Sluitende Aanpak are found without any change to the rotation
    # (the same list is in docs/privacy.md, "Categorieën persoonsgegevens").
    assert labels["cases.CaseNote"] == ["text"]
    assert labels["cases.InstrumentDeployment"] == ["agreements", "monthly_amount"]
    assert labels["safeguards.SafeguardCheck"] == ["justification"]
    assert labels["safeguards.Attestation"] == ["code"]


def test_rotation_re_encrypts_everything_and_old_key_can_go(keys, data):
    before = {s.pk: s.details for s in Signal.objects.all()}
    assert _signal_key_ids() == {"t1"} and _mfa_key_ids() == {"t1"}

    keys(ring=f"{T1},{T2}", active="t2")
    check = _rotate("--check")
    assert "cases.Signal: waarden per sleutel vooraf [t1: 7]" in check
    assert "9 waarde(n) nog onder een oude sleutel" in check  # 7 signals, TOTP secret, seed
    assert _signal_key_ids() == {"t1"}  # --check changes nothing

    output = _rotate("--batch-size", "3")
    assert "cases.Signal: waarden per sleutel vooraf [t1: 7]; rijen herversleuteld: 7" in output
    assert (
        "mfa.Authenticator: waarden per sleutel vooraf [t1: 2]; rijen herversleuteld: 2" in output
    )
    assert _signal_key_ids() == {"t2"} and _mfa_key_ids() == {"t2"}
    assert "0 waarde(n) nog onder een oude sleutel" in _rotate("--check")

    keys(ring=T2, active="t2")  # the old key removed: everything still reads
    assert {s.pk: s.details for s in Signal.objects.all()} == before
    totp = Authenticator.objects.get(type="totp")
    assert MFAAdapter().decrypt(totp.data["secret"]) == SECRET
    assert (
        len(RecoveryCodes(Authenticator.objects.get(type="recovery_codes")).get_unused_codes()) > 0
    )


def test_old_keys_keep_working_during_rotation(keys, data):
    keys(ring=f"{T1},{T2}", active="t2")
    first = Signal.objects.order_by("pk").first()
    rotate_model(Signal, [Signal._meta.get_field("details")], batch_size=2)  # only one model
    assert _signal_key_ids() == {"t2"} and _mfa_key_ids() == {"t1"}
    # Half-way: MFA secrets are still under t1 and still decrypt.
    assert MFAAdapter().decrypt(Authenticator.objects.get(type="totp").data["secret"]) == SECRET
    assert Signal.objects.get(pk=first.pk).details == first.details


def test_rotation_is_resumable_and_idempotent(keys, data):
    keys(ring=f"{T1},{T2}", active="t2")
    rotate_model(Signal, [Signal._meta.get_field("details")])  # "interrupted" after one model
    output = _rotate()
    assert "cases.Signal: waarden per sleutel vooraf [t2: 7]; rijen herversleuteld: 0" in output
    assert (
        "mfa.Authenticator: waarden per sleutel vooraf [t1: 2]; rijen herversleuteld: 2" in output
    )
    assert "Klaar: 0 rij(en)" in _rotate()


def test_without_the_old_key_nothing_reads_before_rotation(keys, data):
    keys(ring=T2, active="t2")
    with pytest.raises(DecryptionError):
        list(Signal.objects.all())


def test_waiting_encrypted_upload_files_are_counted_not_rewritten(keys, data, settings):
    import io as _io
    from pathlib import Path

    from meldpunt.privacy.files import open_encrypted, write_encrypted

    path = Path(settings.MEDIA_ROOT) / "uploads" / "wacht.enc"
    write_encrypted(_io.BytesIO(b"achternaam\nRotatie\n"), path, "wacht")
    keys(ring=f"{T1},{T2}", active="t2")
    assert "bestanden (MEDIA_ROOT/**/*.enc): waarden per sleutel vooraf [t1: 1]" in _rotate(
        "--check"
    )
    assert "10 waarde(n) nog onder een oude sleutel" in _rotate("--check")
    output = _rotate()
    assert "Let op: 1 versleuteld(e) bestand(en) wachten nog op verwerking" in output
    assert "1 waarde(n) nog onder een oude sleutel" in _rotate("--check")
    with open_encrypted(path, "wacht") as stream:  # the old key still reads it
        assert stream.read() == b"achternaam\nRotatie\n"
