"""Uploads never touch the disk in plaintext (docs/adr/0101-hardening.md).

Django keeps a small upload in memory and streams a larger one (over
FILE_UPLOAD_MAX_MEMORY_SIZE) into a plaintext file in the temp folder. This handler takes the
place of that second step: the upload streams into a temporary file encrypted with AES-GCM
(``privacy.files``) under a key that exists only in this process's memory for this one upload,
and the view reads it back decrypted as an ordinary, seekable uploaded file. A temp file left
behind by a crash can never be read by anyone.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from .crypto import KeyRing
from .files import EncryptedFileWriter, open_encrypted

_KEY_ID = "upload"


class EncryptedTemporaryUploadedFile(UploadedFile):
    """An uploaded file kept encrypted in the temp folder; reading gives the plaintext."""

    def __init__(
        self,
        name: str,
        content_type: str,
        charset: str | None,
        content_type_extra: dict | None = None,
    ) -> None:
        self._ring = KeyRing(keys={_KEY_ID: os.urandom(32)}, active_id=_KEY_ID)
        self._file_id = secrets.token_hex(16)
        # Deleted when closed (at the end of the request at the latest).
        self._encrypted = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed in close()
            suffix=".upload.enc", dir=settings.FILE_UPLOAD_TEMP_DIR
        )
        self._writer: EncryptedFileWriter | None = EncryptedFileWriter(
            self._encrypted, self._file_id, self._ring
        )
        super().__init__(None, name, content_type, 0, charset, content_type_extra)

    def write_plain(self, data: bytes) -> None:
        assert self._writer is not None, "the upload is complete"
        self._writer.write(data)

    def finish(self) -> None:
        assert self._writer is not None, "the upload is complete"
        self.size = self._writer.finish()
        self._writer = None
        self.file = open_encrypted(self._encrypted, self._file_id, self._ring)

    def close(self) -> None:
        try:
            if self.file is not None:
                self.file.close()  # closes (and so deletes) the encrypted temp file too
        finally:
            self._encrypted.close()


class EncryptedTemporaryFileUploadHandler(FileUploadHandler):
    """FILE_UPLOAD_HANDLERS, after MemoryFileUploadHandler, instead of the plaintext one."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.file = EncryptedTemporaryUploadedFile(
            self.file_name, self.content_type, self.charset, self.content_type_extra
        )

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.file.write_plain(raw_data)

    def file_complete(self, file_size: int) -> EncryptedTemporaryUploadedFile:
        self.file.finish()
        return self.file

    def upload_interrupted(self) -> None:
        if hasattr(self, "file"):
            self.file.close()
