"""Key rotation: re-encrypt every encrypted value under the active key (docs/operators.md).

Every ``EncryptedField`` of every installed model is found through the app registry, so a new
encrypted column is rotated without changes here. allauth's MFA secrets (TOTP secret, recovery
code seed) are encrypted with the same key ring through ``accounts.adapters.MFAAdapter`` and are
rotated too. Work goes in batches, one transaction per batch with the rows locked
(``select_for_update``); only rows whose ciphertext names another key than the active one are
rewritten, so an interrupted run simply continues where it stopped. Old keys keep decrypting
until they are removed from ``MELDPUNT_ENCRYPTION_KEYS``, which is safe once a check reports
no value left under them.
"""

from __future__ import annotations

import struct
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models.functions import Cast

from .crypto import DecryptionError, key_id_of, keyring
from .fields import EncryptedField
from .files import _HEADER, MAGIC

MFA_LABEL = "mfa.Authenticator"
FILES_LABEL = "bestanden (MEDIA_ROOT/**/*.enc)"


@dataclass
class RotationReport:
    """Per model: values seen per key id before the run, and rows re-encrypted."""

    label: str
    keys_before: Counter = field(default_factory=Counter)
    rows_rotated: int = 0


def encrypted_models() -> list[tuple[type[models.Model], list[EncryptedField]]]:
    found = []
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]
        if fields:
            found.append((model, fields))
    return sorted(found, key=lambda pair: pair[0]._meta.label)


def _raw_batches(
    model: type[models.Model], fields: list[EncryptedField], batch_size: int
) -> Iterator[list[tuple[Any, list[bytes | None]]]]:
    """The stored ciphertexts (not decrypted) in primary-key order, batch by batch."""
    raw_names = {f"_raw_{f.attname}": Cast(f.attname, models.BinaryField()) for f in fields}
    last = None
    while True:
        rows = model._base_manager.order_by("pk").annotate(**raw_names)
        if last is not None:
            rows = rows.filter(pk__gt=last)
        batch = list(rows.values_list("pk", *raw_names)[:batch_size])
        if not batch:
            return
        yield [(row[0], [None if v is None else bytes(v) for v in row[1:]]) for row in batch]
        last = batch[-1][0]


def rotate_model(
    model: type[models.Model],
    fields: list[EncryptedField],
    *,
    batch_size: int = 500,
    dry_run: bool = False,
) -> RotationReport:
    active = keyring().active_id
    report = RotationReport(model._meta.label)
    names = [f.attname for f in fields]
    for batch in _raw_batches(model, fields, batch_size):
        stale = []
        for pk, blobs in batch:
            ids = [key_id_of(blob) for blob in blobs if blob is not None]
            report.keys_before.update(ids)
            if any(key_id != active for key_id in ids):
                stale.append(pk)
        if not stale or dry_run:
            continue
        with transaction.atomic():
            # Locked and read again inside the transaction: a concurrent change is not lost.
            rows = list(
                model._base_manager.select_for_update().filter(pk__in=stale).only("pk", *names)
            )
            model._base_manager.bulk_update(rows, names)  # written with the active key
            report.rows_rotated += len(rows)
    return report


def rotate_mfa_secrets(*, batch_size: int = 500, dry_run: bool = False) -> RotationReport:
    """TOTP secrets and recovery-code seeds of allauth, encrypted through ``MFAAdapter``."""
    from allauth.mfa.adapter import get_adapter
    from allauth.mfa.models import Authenticator

    adapter = get_adapter()
    active = keyring().active_id
    report = RotationReport(MFA_LABEL)

    def stale_values(data: dict) -> list[str]:
        values = [data[k] for k in ("secret", "seed") if isinstance(data.get(k), str)]
        values += list(data.get("migrated_codes") or [])
        ids = [key_id_of(bytes.fromhex(v)) for v in values]
        report.keys_before.update(ids)
        return [v for v, key_id in zip(values, ids, strict=True) if key_id != active]

    def reencrypt(value: str) -> str:
        blob = bytes.fromhex(value)
        return value if key_id_of(blob) == active else adapter.encrypt(adapter.decrypt(value))

    last = 0
    types = [Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
    while True:
        batch = list(
            Authenticator.objects.filter(pk__gt=last, type__in=types)
            .order_by("pk")
            .values_list("pk", "data")[:batch_size]
        )
        if not batch:
            return report
        last = batch[-1][0]
        stale = [pk for pk, data in batch if stale_values(data)]
        if not stale or dry_run:
            continue
        with transaction.atomic():
            for authenticator in Authenticator.objects.select_for_update().filter(pk__in=stale):
                data = dict(authenticator.data)
                for key in ("secret", "seed"):
                    if isinstance(data.get(key), str):
                        data[key] = reencrypt(data[key])
                if data.get("migrated_codes"):
                    data["migrated_codes"] = [reencrypt(v) for v in data["migrated_codes"]]
                Authenticator.objects.filter(pk=authenticator.pk).update(data=data)
                report.rows_rotated += 1


def _file_key_ids(path: Path) -> set[str]:
    """Key ids of the chunks of a file written by ``privacy.files.write_encrypted``."""
    ids = set()
    with open(path, "rb") as stream:
        magic, _length, _chunk = _HEADER.unpack(stream.read(_HEADER.size))
        if magic != MAGIC:
            raise DecryptionError("not an encrypted Meldpunt file")
        while size_bytes := stream.read(4):
            (size,) = struct.unpack(">I", size_bytes)
            ids.add(key_id_of(stream.read(size)))
    return ids


def count_encrypted_files() -> RotationReport:
    """Encrypted upload files waiting to be processed, counted per key id.

    They are not rewritten: they live only until the background job has read them (and a
    rewrite would race with that job). Keep an old key until no file under it is left.
    """
    report = RotationReport(FILES_LABEL)
    root = Path(settings.MEDIA_ROOT)
    if root.is_dir():
        for path in sorted(root.rglob("*.enc")):
            report.keys_before.update(_file_key_ids(path))
    return report


def keys_rotate(*, batch_size: int = 500, dry_run: bool = False) -> list[RotationReport]:
    """Re-encrypt everything under the active key; with ``dry_run`` only count per key id."""
    reports = [
        rotate_model(model, fields, batch_size=batch_size, dry_run=dry_run)
        for model, fields in encrypted_models()
    ]
    reports.append(rotate_mfa_secrets(batch_size=batch_size, dry_run=dry_run))
    reports.append(count_encrypted_files())
    return reports
