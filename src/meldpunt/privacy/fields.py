"""Model fields that keep personal data encrypted at rest (see privacy.crypto)."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from .crypto import keyring


class Sealed(bytes):
    """A value already encrypted for one column by ``EncryptedField.seal``."""

    __slots__ = ()


class EncryptedField(models.BinaryField):
    """Stores the value encrypted; subclasses say how a value becomes bytes and back."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def associated_data(self) -> bytes:
        return f"{self.model._meta.db_table}.{self.column}".encode()

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
        return json.dumps(value, cls=DjangoJSONEncoder, separators=(",", ":")).encode()

    def from_bytes(self, data: bytes) -> Any:
        return json.loads(data)


class EncryptedTextField(EncryptedField):
    def to_bytes(self, value: Any) -> bytes:
        return str(value).encode()

    def from_bytes(self, data: bytes) -> str:
        return data.decode()
