"""Files with personal data (uploads) encrypted at rest, readable as a seekable stream.

Layout: magic "MPF1" | plaintext length (8 bytes) | chunk size (4 bytes) | chunks, each
4-byte length + key-ring ciphertext of one plaintext chunk. Every chunk is bound to the file id
and its index (associated data), so chunks cannot be swapped, dropped or moved between files.
Fixed-size chunks make seeking cheap, which XLSX (a zip file) needs.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path
from typing import IO

from .crypto import DecryptionError, KeyRing, keyring

MAGIC = b"MPF1"
CHUNK = 1 << 20
_HEADER = struct.Struct(">4sQI")


def _ad(file_id: str, index: int) -> bytes:
    return f"file:{file_id}:{index}".encode()


class EncryptedFileWriter:
    """Encrypts what is written to it, chunk by chunk, into ``target`` (binary, seekable).

    ``finish()`` seals the last chunk and writes the plaintext length into the header; it leaves
    ``target`` open. ``ring`` defaults to the key ring of the settings.
    """

    def __init__(self, target: IO[bytes], file_id: str, ring: KeyRing | None = None) -> None:
        self._target = target
        self._file_id = file_id
        self._ring = ring or keyring()
        self._start = target.tell()
        self._pending = bytearray()
        self._index = 0
        self.length = 0
        target.write(_HEADER.pack(MAGIC, 0, CHUNK))

    def _seal(self, block: bytes) -> None:
        sealed = self._ring.encrypt(block, _ad(self._file_id, self._index))
        self._target.write(struct.pack(">I", len(sealed)) + sealed)
        self.length += len(block)
        self._index += 1

    def write(self, data: bytes) -> int:
        self._pending += data
        while len(self._pending) >= CHUNK:
            self._seal(bytes(self._pending[:CHUNK]))
            del self._pending[:CHUNK]
        return len(data)

    def finish(self) -> int:
        if self._pending:
            self._seal(bytes(self._pending))
            self._pending.clear()
        end = self._target.tell()
        self._target.seek(self._start)
        self._target.write(_HEADER.pack(MAGIC, self.length, CHUNK))
        self._target.seek(end)
        self._target.flush()
        return self.length


def write_encrypted(source: IO[bytes], target: Path, file_id: str) -> int:
    """Encrypt ``source`` into ``target``; returns the plaintext length."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as out:
        writer = EncryptedFileWriter(out, file_id)
        for block in iter(lambda: source.read(CHUNK), b""):
            writer.write(block)
        return writer.finish()


class EncryptedFileReader(io.RawIOBase):
    """Read-only, seekable view of the plaintext of a file written by ``write_encrypted``."""

    def __init__(self, source: Path | IO[bytes], file_id: str, ring: KeyRing | None = None) -> None:
        if isinstance(source, Path):
            source = open(source, "rb")  # noqa: SIM115 - closed in close()
        self._file = source
        self._ring = ring or keyring()
        self._file.seek(0)
        magic, self._length, self._chunk = _HEADER.unpack(self._file.read(_HEADER.size))
        if magic != MAGIC:
            raise DecryptionError("not an encrypted Meldpunt file")
        self._file_id = file_id
        self._pos = 0
        self._cache: tuple[int, bytes] | None = None
        self._offsets: list[int] = []
        offset = _HEADER.size
        self._file.seek(0, io.SEEK_END)
        end = self._file.tell()
        while offset < end:
            self._offsets.append(offset)
            self._file.seek(offset)
            (size,) = struct.unpack(">I", self._file.read(4))
            offset += 4 + size
        if len(self._offsets) != -(-self._length // self._chunk):
            raise DecryptionError("encrypted file is incomplete")

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._length}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def _chunk_plain(self, index: int) -> bytes:
        if self._cache and self._cache[0] == index:
            return self._cache[1]
        self._file.seek(self._offsets[index])
        (size,) = struct.unpack(">I", self._file.read(4))
        plain = self._ring.decrypt(self._file.read(size), _ad(self._file_id, index))
        self._cache = (index, plain)
        return plain

    def readinto(self, buffer) -> int:
        if self._pos >= self._length:
            return 0
        index, within = divmod(self._pos, self._chunk)
        data = self._chunk_plain(index)[within : within + len(buffer)]
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)

    def close(self) -> None:
        self._file.close()
        super().close()

    @property
    def length(self) -> int:
        return self._length


def open_encrypted(
    source: Path | IO[bytes], file_id: str, ring: KeyRing | None = None
) -> io.BufferedReader:
    """The plaintext of ``source`` as a seekable stream; closing it closes ``source``."""
    return io.BufferedReader(EncryptedFileReader(source, file_id, ring), buffer_size=CHUNK)
