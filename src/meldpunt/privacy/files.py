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

from .crypto import DecryptionError, keyring

MAGIC = b"MPF1"
CHUNK = 1 << 20
_HEADER = struct.Struct(">4sQI")


def _ad(file_id: str, index: int) -> bytes:
    return f"file:{file_id}:{index}".encode()


def write_encrypted(source: IO[bytes], target: Path, file_id: str) -> int:
    """Encrypt ``source`` into ``target``; returns the plaintext length."""
    ring = keyring()
    target.parent.mkdir(parents=True, exist_ok=True)
    length = 0
    with open(target, "wb") as out:
        out.write(_HEADER.pack(MAGIC, 0, CHUNK))
        index = 0
        while True:
            block = source.read(CHUNK)
            if not block:
                break
            # Fill each chunk completely (uploaded files may return short reads).
            while len(block) < CHUNK:
                more = source.read(CHUNK - len(block))
                if not more:
                    break
                block += more
            sealed = ring.encrypt(block, _ad(file_id, index))
            out.write(struct.pack(">I", len(sealed)) + sealed)
            length += len(block)
            index += 1
        out.seek(0)
        out.write(_HEADER.pack(MAGIC, length, CHUNK))
    return length


class EncryptedFileReader(io.RawIOBase):
    """Read-only, seekable view of the plaintext of a file written by ``write_encrypted``."""

    def __init__(self, path: Path, file_id: str) -> None:
        self._file = open(path, "rb")  # noqa: SIM115 - closed in close()
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
        plain = keyring().decrypt(self._file.read(size), _ad(self._file_id, index))
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


def open_encrypted(path: Path, file_id: str) -> io.BufferedReader:
    return io.BufferedReader(EncryptedFileReader(path, file_id), buffer_size=CHUNK)
