"""Where a signed CBS page waits between signing and sending: encrypted, never in plaintext.

The page is produced once (signing.sign_spooled) and must be complete before its first byte is
sent (the ``Digest`` and signature headers come first). It holds postcodes and birth dates, so it
goes to an anonymous temporary file (unlinked at once) encrypted with AES-GCM in 1 MiB chunks
(``privacy.files``) under a key that exists only in this object: a file left by a crash can never
be read. Memory stays at about two chunks whatever the page's size.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator

from meldpunt.privacy.crypto import KeyRing
from meldpunt.privacy.files import EncryptedFileWriter, open_encrypted

_KEY_ID = "spool"
SEND_CHUNK = 64 * 1024


class EncryptedSpool:
    def __init__(self) -> None:
        self._ring = KeyRing(keys={_KEY_ID: os.urandom(32)}, active_id=_KEY_ID)
        self._file_id = secrets.token_hex(16)
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        self._writer: EncryptedFileWriter | None = EncryptedFileWriter(
            self._file, self._file_id, self._ring
        )

    def write(self, data: bytes) -> int:
        assert self._writer is not None, "the spool is being read"
        return self._writer.write(data)

    def replay(self) -> Iterator[bytes]:
        assert self._writer is not None, "a spool is read once"
        self._writer.finish()
        self._writer = None
        reader = open_encrypted(self._file, self._file_id, self._ring)
        while data := reader.read(SEND_CHUNK):
            yield data

    def close(self) -> None:
        self._file.close()
