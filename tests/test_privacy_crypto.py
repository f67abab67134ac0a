"""Encryption at rest, blind indexes and the key ring (issue #2, privacy primitives)."""

import base64
import hmac

import pytest
from django.db import connection
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from meldpunt.cases.models import Signal
from meldpunt.intake.services import signal_submit
from meldpunt.privacy.crypto import (
    DecryptionError,
    KeyRing,
    blind_index,
    key_id_of,
    keyring,
    normalise,
    reset_key_cache,
)
from meldpunt.privacy.fields import _COMPACT_JSON

from .conftest import signal_data

K1 = base64.b64encode(b"a" * 32).decode()
K2 = base64.b64encode(b"b" * 32).decode()


def test_round_trip_and_key_id_travels_with_ciphertext():
    ring = KeyRing.parse(f"old:{K1},new:{K2}", "new")
    blob = ring.encrypt(b"Jansen", b"t.c")
    assert key_id_of(blob) == "new"
    assert ring.decrypt(blob, b"t.c") == b"Jansen"


def test_ciphertext_bound_to_its_column():
    ring = KeyRing.parse(f"k:{K1}", "k")
    blob = ring.encrypt(b"Jansen", b"intake_signal.details")
    with pytest.raises(DecryptionError):
        ring.decrypt(blob, b"cases_note.text")


def test_tampered_ciphertext_is_refused():
    ring = KeyRing.parse(f"k:{K1}", "k")
    blob = bytearray(ring.encrypt(b"Jansen", b"x"))
    blob[-1] ^= 1
    with pytest.raises(DecryptionError):
        ring.decrypt(bytes(blob), b"x")


def test_old_key_still_decrypts_after_activating_a_new_one():
    old = KeyRing.parse(f"old:{K1}", "old")
    blob = old.encrypt(b"Jansen", b"x")
    rotated = KeyRing.parse(f"old:{K1},new:{K2}", "new")
    assert rotated.decrypt(blob, b"x") == b"Jansen"
    assert key_id_of(rotated.encrypt(b"Jansen", b"x")) == "new"
    without_old = KeyRing.parse(f"new:{K2}", "new")
    with pytest.raises(DecryptionError):
        without_old.decrypt(blob, b"x")


def test_blind_index_is_normalised_keyed_and_purpose_bound():
    assert blind_index("person", "Jánssen ", "1980") == blind_index("person", "jansSEN", "1980")
    assert blind_index("person", "Jansen") != blind_index("household", "Jansen")
    with override_settings(MELDPUNT_BLIND_INDEX_KEY=K2):
        reset_key_cache()
        other = blind_index("person", "Jansen")
    reset_key_cache()
    assert other != blind_index("person", "Jansen")


def _all_raw_database_text() -> str:
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        chunks.append(bytes(value).decode("latin-1"))
                    else:
                        chunks.append(str(value))
    return "\n".join(chunks).casefold()


@pytest.mark.django_db
def test_no_personal_data_in_plaintext_anywhere_in_the_database(covenant, users):
    signal_submit(
        partner=covenant["eigen-haard"],
        submitted_by=users["eigen-haard"],
        raw=signal_data(
            achternaam="Zwartekatwijk",
            voorletters="X.",
            email="zwartekatwijk.unieke@example.org",
            telefoonnummer="0698765432",
            straat="Vrolikstraat",
            geboortedatum="1971-03-09",
        ),
    )
    raw = _all_raw_database_text()
    for needle in [
        "zwartekatwijk",
        "0698765432",
        "vrolikstraat",
        "1971-03-09",
        "1234.56",
        "1012lg",
        "1012 lg",
    ]:
        assert needle not in raw, needle
    # ...and the application reads it back.
    signal = Signal.objects.get()
    assert signal.person_details["achternaam"] == "Zwartekatwijk"
    assert signal.person_details["email"] == "zwartekatwijk.unieke@example.org"


@pytest.mark.django_db
def test_totp_secrets_are_encrypted_too(covenant, users):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(users["regie"], "JBSWY3DPEHPK3PXPJBSWY3DP")
    stored = Authenticator.objects.get(user=users["regie"]).data["secret"]
    assert "JBSWY3DP" not in stored
    assert (
        keyring().decrypt(bytes.fromhex(stored), b"mfa_authenticator.totp_secret")
        == b"JBSWY3DPEHPK3PXPJBSWY3DP"
    )


@settings(max_examples=200, deadline=None)
@given(
    key=st.binary(min_size=32, max_size=32),
    purpose=st.sampled_from(["person", "household", "delivery", "birth"]),
    parts=st.lists(st.text(max_size=40), max_size=8),
)
def test_blind_index_is_the_hmac_sha256_of_purpose_and_normalised_parts(key, purpose, parts):
    # blind_index copies an HMAC keyed once; it must be the standard one-shot HMAC, or
    # every stored key would stop matching (the keys of people, households and deliveries).
    with override_settings(MELDPUNT_BLIND_INDEX_KEY=base64.b64encode(key).decode()):
        reset_key_cache()
        try:
            message = purpose.encode() + b"\x00" + "\x1f".join(normalise(p) for p in parts).encode()
            expected = hmac.digest(key, message, "sha256").hex()[:40]
            assert blind_index(purpose, *parts) == expected
        finally:
            reset_key_cache()


_JSON_LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(), st.floats(allow_nan=False),
    st.decimals(allow_nan=False, allow_infinity=False), st.dates(),
)  # fmt: skip
_JSON_KEYS = st.one_of(st.text(max_size=12), st.integers(), st.booleans(), st.none())


@settings(max_examples=300, deadline=None)
@given(
    document=st.dictionaries(
        st.text(max_size=12),
        st.recursive(
            _JSON_LEAVES,
            lambda inner: st.dictionaries(_JSON_KEYS, inner, max_size=5) | st.lists(inner),
            max_leaves=12,
        ),
        max_size=8,
    )
)
def test_an_encrypted_json_document_is_written_as_the_encoder_writes_it(document):
    # The intake's details (text, numbers, yes/no, None) take a shorter path than the encoder;
    # any document must come out byte for byte as the encoder writes it.
    field = Signal._meta.get_field("details")
    assert field.to_bytes(document) == _COMPACT_JSON.encode(document).encode()
