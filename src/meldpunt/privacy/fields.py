"""Model fields that keep personal data encrypted at rest (see privacy.crypto)."""

from __future__ import annotations

import json
from json.encoder import encode_basestring_ascii
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from .crypto import keyring

_COMPACT_JSON = DjangoJSONEncoder(separators=(",", ":"))
_LITERALS = {None: "null", True: "true", False: "false"}
_KEYS: dict[str, str] = {}  # a document's keys as JSON text: the same few names every time


class _NotPlain(Exception):
    """A value ``_plain_json`` leaves to the encoder."""


def _plain_json(value: Any) -> str:
    """``_COMPACT_JSON.encode(value)`` for objects of text, whole numbers, True, False and
    None (what the intake seals for each signal), written without the encoder's machinery:
    a quarter of its cost on such a document. Raises _NotPlain for anything else (a date, a
    Decimal, a list, a subclass): the encoder writes those (tests/test_privacy_crypto.py
    compares both)."""
    parts = []
    for key, item in value.items():
        key_text = _KEYS.get(key)
        if key_text is None:
            if type(key) is not str:
                raise _NotPlain
            if len(_KEYS) >= 1000:
                _KEYS.clear()
            key_text = _KEYS[key] = encode_basestring_ascii(key)
        kind = type(item)
        if kind is str:
            text = encode_basestring_ascii(item)
        elif kind is int:
            text = int.__repr__(item)
        elif kind is dict:
            text = _plain_json(item)
        elif item is None or kind is bool:
            text = _LITERALS[item]
        else:
            raise _NotPlain
        parts.append(f"{key_text}:{text}")
    return "{" + ",".join(parts) + "}"


class Sealed(bytes):
    """A value already encrypted for one column by ``EncryptedField.seal``."""

    __slots__ = ()


class EncryptedField(models.BinaryField):
    """Stores the value encrypted; subclasses say how a value becomes bytes and back."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def associated_data(self) -> bytes:
        # Made once per field and model (a copied field made for another model makes its own):
        # the intake seals thousands of values a batch.
        made = self.__dict__.get("_associated_data")
        if made is None or made[0] is not self.model or made[1] != self.column:
            data = f"{self.model._meta.db_table}.{self.column}".encode()
            made = self.__dict__["_associated_data"] = (self.model, self.column, data)
        return made[2]

    def to_bytes(self, value: Any) -> bytes:
        raise NotImplementedError

    def from_bytes(self, data: bytes) -> Any:
        raise NotImplementedError

    def seal(self, value: Any) -> Sealed:
        """Encrypt ahead of the write (e.g. in the intake's preparing thread)."""
        return Sealed(keyring().encrypt(self.to_bytes(value), self.associated_data()))

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if value is None:
            return None
        if not isinstance(value, Sealed):
            value = self.seal(value)
        return connection.Database.Binary(value)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return self.from_bytes(keyring().decrypt(bytes(value), self.associated_data()))

    def to_python(self, value: Any) -> Any:
        return value

    def value_to_string(self, obj: Any) -> str:
        return ""  # never serialise plaintext personal data (dumpdata, admin history)


class EncryptedJSONField(EncryptedField):
    """One encrypted JSON document, e.g. all of a person's details read together."""

    def to_bytes(self, value: Any) -> bytes:
        if type(value) is dict:
            try:
                return _plain_json(value).encode()
            except _NotPlain:
                pass
        # One encoder for every value (``json.dumps`` with ``cls`` makes one per call).
        return _COMPACT_JSON.encode(value).encode()

    def from_bytes(self, data: bytes) -> Any:
        return json.loads(data)


class EncryptedTextField(EncryptedField):
    def to_bytes(self, value: Any) -> bytes:
        return str(value).encode()

    def from_bytes(self, data: bytes) -> str:
        return data.decode()
