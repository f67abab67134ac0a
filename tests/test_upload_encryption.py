"""No plaintext temp file while an upload streams, whatever its size (issue #13).

Django streams an upload over FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) into a plaintext file in the
temp folder. The encrypting upload handler streams it into an encrypted file instead. The probe:
a 10 MB signal file whose rows carry a made-up surname is posted to the upload page through a
request body that, on every read the parser makes, looks into the temp folder.
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIRequest
from django.test import TestCase, override_settings
from django.test.client import MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from meldpunt.intake import views as intake_views
from meldpunt.intake.models import SignalImport
from meldpunt.intake.services import upload_path
from meldpunt.privacy.crypto import KeyRing
from meldpunt.privacy.files import CHUNK, EncryptedFileWriter, open_encrypted
from meldpunt.privacy.uploads import EncryptedTemporaryUploadedFile

from .corpus.build import csv_text, row

PROBE = "Versleutelproefwinter"
BOUNDARY = "meldpunt-grens"


def _signal_file(megabytes: float) -> bytes:
    def probe_row(i: int) -> dict[str, str]:
        return row(i, achternaam=PROBE, voorletters="P.", postcode="1012 LG")

    per_row = len(csv_text([probe_row(1), probe_row(2)])) - len(csv_text([probe_row(1)]))
    count = int(megabytes * 1024 * 1024 / per_row) + 1
    data = csv_text([probe_row(i) for i in range(1, count + 1)]).encode()
    assert data.count(PROBE.encode()) == count
    return data


class ProbingBody(io.BytesIO):
    """A request body that inspects the temp folder each time the parser reads from it."""

    def __init__(self, data: bytes, temp_dir: Path) -> None:
        super().__init__(data)
        self.temp_dir = temp_dir
        self.reads = 0
        self.largest_temp_file = 0
        self.leaks: list[str] = []
        self._checked: dict[str, int] = {}  # bytes of each temp file already searched

    def read(self, size: int = -1) -> bytes:
        self.reads += 1
        overlap = 2 * len(PROBE)
        for path in self.temp_dir.iterdir():
            with open(path, "rb") as temp:
                temp.seek(max(0, self._checked.get(path.name, 0) - overlap))
                new = temp.read()
                end = temp.tell()
            self._checked[path.name] = end
            self.largest_temp_file = max(self.largest_temp_file, end)
            if PROBE.encode() in new or PROBE.encode("utf-16-le") in new:
                self.leaks.append(path.name)
        return super().read(size)


def _post_upload(user, data: bytes, temp_dir: Path) -> tuple[object, ProbingBody]:
    body = encode_multipart(BOUNDARY, {"file": SimpleUploadedFile("groot.csv", data)})
    probe = ProbingBody(body, temp_dir)
    request = WSGIRequest(
        {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": reverse("intake:upload"),
            "SCRIPT_NAME": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "wsgi.url_scheme": "http",
            "wsgi.input": probe,
            "CONTENT_TYPE": MULTIPART_CONTENT.replace("BoUnDaRyStRiNg", BOUNDARY),
            "CONTENT_LENGTH": str(len(body)),
        }
    )
    request.user = user
    try:
        response = intake_views.upload(request)
    finally:
        request.close()  # as the WSGI handler does at the end of a request
    return response, probe


@pytest.mark.django_db
def test_a_10_mb_upload_leaves_no_plaintext_in_the_temp_folder(users, tmp_path):
    data = _signal_file(10)
    assert len(data) >= 10 * 1024 * 1024
    temp_dir, media = tmp_path / "tmp", tmp_path / "media"
    temp_dir.mkdir()
    with override_settings(FILE_UPLOAD_TEMP_DIR=str(temp_dir), MEDIA_ROOT=str(media)):
        response, probe = _post_upload(users["eigen-haard"], data, temp_dir)
        assert response.status_code == 302
        batch = SignalImport.objects.get()
        # The file that waits for the import is the one that was sent, byte for byte.
        with open_encrypted(upload_path(batch), str(batch.public_id)) as stored:
            assert hashlib.sha256(stored.read()).hexdigest() == hashlib.sha256(data).hexdigest()
    assert batch.file_sha256 == hashlib.sha256(data).hexdigest()
    # The handler did stream into the temp folder (the probe looked at a real file) ...
    assert probe.reads > 100
    assert probe.largest_temp_file > 5 * 1024 * 1024
    # ... and neither during nor after the upload did any file there hold the plaintext.
    assert probe.leaks == []
    assert list(temp_dir.iterdir()) == []
    assert not any(PROBE.encode() in p.read_bytes() for p in media.rglob("*") if p.is_file())


@pytest.mark.django_db
def test_an_upload_over_the_memory_limit_is_imported_through_the_encrypted_temp_file(
    clients, tmp_path
):
    data = _signal_file(0.01)  # 10 kB, above a 1 kB memory limit
    temp_dir = tmp_path / "tmp"
    temp_dir.mkdir()
    with (
        override_settings(
            FILE_UPLOAD_MAX_MEMORY_SIZE=1024,
            FILE_UPLOAD_TEMP_DIR=str(temp_dir),
            MEDIA_ROOT=str(tmp_path / "media"),
        ),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        response = clients["eigen-haard"].post(
            reverse("intake:upload"), {"file": SimpleUploadedFile("klein.csv", data)}
        )
    assert response.status_code == 302
    batch = SignalImport.objects.get()
    rows = data.count(PROBE.encode())
    assert (batch.accepted, batch.refused) == (rows, 0)
    assert list(temp_dir.iterdir()) == []


def test_the_temp_file_is_unreadable_without_the_upload_s_own_key(tmp_path):
    with override_settings(FILE_UPLOAD_TEMP_DIR=str(tmp_path)):
        upload = EncryptedTemporaryUploadedFile("a.csv", "text/csv", None)
        upload.write_plain(PROBE.encode() * 1000)
        upload.finish()
        (path,) = tmp_path.iterdir()
        assert PROBE.encode() not in path.read_bytes()
        assert upload.size == len(PROBE) * 1000
        assert upload.read(len(PROBE)) == PROBE.encode()
        upload.seek(0)
        assert b"".join(upload.chunks()) == PROBE.encode() * 1000
        upload.close()
    assert list(tmp_path.iterdir()) == []


@given(
    pieces=st.lists(st.integers(min_value=0, max_value=CHUNK + 10), max_size=5),
    seek=st.integers(min_value=0, max_value=3 * CHUNK),
)
@hypothesis_settings(max_examples=25, deadline=None)
def test_the_chunked_writer_reads_back_whatever_the_write_sizes(pieces, seek):
    ring = KeyRing(keys={"t": os.urandom(32)}, active_id="t")
    plain = os.urandom(sum(pieces))
    target = io.BytesIO()
    writer = EncryptedFileWriter(target, "f", ring)
    offset = 0
    for size in pieces:
        writer.write(plain[offset : offset + size])
        offset += size
    assert writer.finish() == len(plain)
    with open_encrypted(io.BytesIO(target.getvalue()), "f", ring) as stream:
        assert stream.read() == plain
        stream.seek(seek)
        assert stream.read(100) == plain[seek : seek + 100]
