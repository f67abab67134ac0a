"""AES-GCM encryption with a key ring, and HMAC blind indexes (docs/adr/0002-encryption.md).

Ciphertext layout: version byte | key-id length | key id | 12-byte nonce | ciphertext+tag.
The key id travels with the ciphertext so rotation can decrypt old rows while new rows use the
active key. The column identity ("table.column") is the associated data, so a ciphertext copied
to another column or table does not decrypt.
"""

from __future__ import annotations

import base64
import hmac
import os
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

FORMAT_VERSION = 1
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A ciphertext could not be decrypted: unknown key, wrong column or tampered data."""


def _decode_key(text: str, what: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{what} is not valid base64") from exc
    if len(key) != 32:
        raise ImproperlyConfigured(f"{what} must be 32 bytes (256 bits), base64-encoded")
    return key


@dataclass(frozen=True)
class KeyRing:
    keys: dict[str, bytes]
    active_id: str
    _ciphers: dict[str, AESGCM] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.active_id not in self.keys:
            raise ImproperlyConfigured("the active encryption key id is not in the key ring")
        for key_id, key in self.keys.items():
            self._ciphers[key_id] = AESGCM(key)

    @classmethod
    def parse(cls, spec: str, active_id: str) -> KeyRing:
        keys: dict[str, bytes] = {}
        for part in filter(None, (p.strip() for p in spec.split(","))):
            key_id, sep, encoded = part.partition(":")
            if not sep or not key_id or len(key_id.encode()) > 255:
                raise ImproperlyConfigured("MELDPUNT_ENCRYPTION_KEYS must look like 'id:base64,…'")
            keys[key_id] = _decode_key(encoded, f"encryption key {key_id!r}")
        return cls(keys=keys, active_id=active_id)

    def encrypt(self, plaintext: bytes, associated_data: bytes) -> bytes:
        key_id = self.active_id.encode()
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self.active_id].encrypt(nonce, plaintext, associated_data)
        return bytes((FORMAT_VERSION, len(key_id))) + key_id + nonce + sealed

    def decrypt(self, blob: bytes, associated_data: bytes) -> bytes:
        key_id = key_id_of(blob)
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise DecryptionError("ciphertext was made with a key that is not in the key ring")
        start = 2 + blob[1]
        nonce = blob[start : start + NONCE_BYTES]
        try:
            return cipher.decrypt(nonce, blob[start + NONCE_BYTES :], associated_data)
        except Exception as exc:  # InvalidTag: wrong column, altered bytes
            raise DecryptionError("ciphertext does not authenticate") from exc


def key_id_of(blob: bytes) -> str:
    if len(blob) < 2 + NONCE_BYTES + 16 or blob[0] != FORMAT_VERSION:
        raise DecryptionError("not a Meldpunt ciphertext")
    return blob[2 : 2 + blob[1]].decode()


@cache
def keyring() -> KeyRing:
    return KeyRing.parse(settings.MELDPUNT_ENCRYPTION_KEYS, settings.MELDPUNT_ENCRYPTION_ACTIVE_KEY)


@cache
def _blind_index_key() -> bytes:
    return _decode_key(settings.MELDPUNT_BLIND_INDEX_KEY, "MELDPUNT_BLIND_INDEX_KEY")


@cache
def _blind_index_hmac() -> hmac.HMAC:
    """An HMAC-SHA-256 with the blind-index key already set up: each blind index is a copy of
    it and one update. ``hmac.digest`` sets the key up again on every call (OpenSSL's one-shot
    HMAC), which cost the intake 2.5 times as much for its four blind indexes a row
    (docs/adr/0121-intake-ratio.md). The standard library's HMAC, not one of our own."""
    return hmac.new(_blind_index_key(), digestmod="sha256")


def reset_key_cache() -> None:
    """Forget cached keys (after the settings changed, e.g. in key-rotation tests)."""
    keyring.cache_clear()
    _blind_index_key.cache_clear()
    _blind_index_hmac.cache_clear()


def normalise(value: str) -> str:
    """Case-, accent- and whitespace-insensitive form used before hashing."""
    if value.isascii():
        return " ".join(value.casefold().split())
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def blind_index(purpose: str, *parts: str) -> str:
    """Keyed hash for equality look-ups without plaintext; one purpose never matches another.

    HMAC-SHA-256 of the purpose and the normalised parts, as ``hmac.digest`` gives it
    (tests/test_privacy_crypto.py checks that), from the HMAC keyed once."""
    # ``normalise`` of each part, its ASCII case written out here (a dozen parts a row).
    normalised = [" ".join(p.casefold().split()) if p.isascii() else normalise(p) for p in parts]
    message = purpose.encode() + b"\x00" + "\x1f".join(normalised).encode()
    mac = _blind_index_hmac().copy()
    mac.update(message)
    return mac.hexdigest()[:40]
