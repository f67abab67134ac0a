"""The ``Digest`` header and the JAdES-B detached payload signature (``nlgov-adr-payload-sig``).

DDAS-VS.yaml asks every response for a ``Digest`` (RFC 3230, ``SHA-256=<base64>``) and a JWS
compact serialisation with a detached payload, ``BASE64URL(header)..BASE64URL(signature)``, PS256,
with the full certificate chain in ``x5c`` (signing certificate first). The signing key and
certificate are configured apart from the TLS key (DDAS: a different PKIoverheid certificate).

Two readings of what is signed exist upstream (docs/adr/0103-ddas-delivery.md); both are here:

- ``"digest"`` (default): the JAdES HttpHeaders mechanism of the Geonovum ADR signing module —
  ``sigD = {"mId": "http://uri.etsi.org/19182/HttpHeaders", "pars": ["digest"]}``,
  ``b64: false``, signing input ``ASCII(BASE64URL(header)) || "." || "digest: SHA-256=…"``;
- ``"body"``: RFC 7515 appendix F over the exact body bytes, signing input
  ``BASE64URL(header) || "." || BASE64URL(body)``.

Both stream: the body is fed in chunks, never held whole. A streamed response needs its headers
before its body: :func:`sign_spooled` (used by the endpoint) produces the body once, signing it
while it parks the bytes in a spool (encrypted, see :mod:`.spool`), and sends from the spool;
:func:`sign_stream` produces it twice instead (no spool, twice the work).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, Protocol

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils
from cryptography.x509.oid import ExtendedKeyUsageOID

logger = logging.getLogger(__name__)

SignatureMode = Literal["digest", "body"]
SIGNATURE_MODES: tuple[str, ...] = ("digest", "body")
HTTP_HEADERS_MECHANISM = "http://uri.etsi.org/19182/HttpHeaders"
MIN_RSA_BITS = 2048
SHA256_BYTES = 32
# PS256 (RFC 7518 §3.5): RSASSA-PSS with SHA-256, MGF1 with SHA-256, salt as long as the hash.
PS256_PADDING = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=SHA256_BYTES)


class SigningConfigurationError(ValueError):
    """The configured signing key or certificate cannot be used (Dutch message says why)."""


class BodyChangedError(RuntimeError):
    """The body streamed out differs from the body that was signed: the response is broken off."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def digest_header(sha256: bytes) -> str:
    """The ``Digest`` header value for a SHA-256 hash (RFC 3230 form of DDAS-VS.yaml)."""
    return "SHA-256=" + base64.b64encode(sha256).decode("ascii")


def digest_of(body: bytes) -> str:
    return digest_header(hashlib.sha256(body).digest())


@dataclass(frozen=True)
class SigningCredentials:
    """A signing key with its certificate chain (signing certificate first)."""

    private_key: rsa.RSAPrivateKey
    chain: tuple[x509.Certificate, ...]
    kid: str

    def __post_init__(self) -> None:
        if not isinstance(self.private_key, rsa.RSAPrivateKey):
            raise SigningConfigurationError(
                "De ondertekensleutel moet een RSA-sleutel zijn (PS256)."
            )
        if self.private_key.key_size < MIN_RSA_BITS:
            raise SigningConfigurationError(
                f"De ondertekensleutel is {self.private_key.key_size} bits; minstens "
                f"{MIN_RSA_BITS} is nodig."
            )
        if not self.chain:
            raise SigningConfigurationError("Het certificaatbestand bevat geen certificaat.")
        leaf = self.chain[0]
        if leaf.public_key().public_numbers() != self.private_key.public_key().public_numbers():
            raise SigningConfigurationError(
                "Het eerste certificaat hoort niet bij de ondertekensleutel: zet het "
                "ondertekencertificaat vooraan, gevolgd door de tussenliggende certificaten."
            )
        try:
            usage = leaf.extensions.get_extension_for_class(x509.KeyUsage).value
        except x509.ExtensionNotFound:
            usage = None
        if usage is not None and not (usage.digital_signature or usage.content_commitment):
            raise SigningConfigurationError(
                "Het ondertekencertificaat staat geen digitale handtekening toe (KeyUsage)."
            )
        try:
            eku = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        except x509.ExtensionNotFound:
            eku = None
        if eku is not None and ExtendedKeyUsageOID.SERVER_AUTH in eku:
            raise SigningConfigurationError(
                "Het ondertekencertificaat is een TLS-servercertificaat; DDAS vraagt een apart "
                "certificaat voor ondertekening."
            )

    @property
    def x5c(self) -> list[str]:
        return [
            base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode()
            for c in self.chain
        ]

    @property
    def x5t_s256(self) -> str:
        return b64url(self.chain[0].fingerprint(hashes.SHA256()))

    @classmethod
    def from_pem(
        cls, *, key_pem: bytes, chain_pem: bytes, password: bytes | None = None, kid: str = ""
    ) -> SigningCredentials:
        try:
            key = serialization.load_pem_private_key(key_pem, password=password)
        except (ValueError, TypeError) as exc:
            raise SigningConfigurationError(
                f"De ondertekensleutel is niet te lezen (PEM, wachtwoord?): {exc}"
            ) from None
        try:
            chain = tuple(x509.load_pem_x509_certificates(chain_pem))
        except ValueError:
            raise SigningConfigurationError(
                "Het certificaatbestand is niet te lezen (PEM-certificaten verwacht)."
            ) from None
        if not isinstance(key, rsa.RSAPrivateKey):
            raise SigningConfigurationError(
                "De ondertekensleutel moet een RSA-sleutel zijn (PS256)."
            )
        leaf_thumbprint = b64url(chain[0].fingerprint(hashes.SHA256())) if chain else ""
        return cls(private_key=key, chain=chain, kid=kid or leaf_thumbprint)

    @classmethod
    def from_files(
        cls, *, key_path: str | Path, chain_path: str | Path, password: str = "", kid: str = ""
    ) -> SigningCredentials:
        try:
            key_pem, chain_pem = Path(key_path).read_bytes(), Path(chain_path).read_bytes()
        except OSError as exc:
            raise SigningConfigurationError(
                f"Sleutel of certificaat niet te lezen: {exc.strerror} ({exc.filename})."
            ) from None
        return cls.from_pem(
            key_pem=key_pem, chain_pem=chain_pem, password=password.encode() or None, kid=kid
        )


def protected_header(
    credentials: SigningCredentials, *, mode: SignatureMode, signing_time: datetime
) -> dict[str, object]:
    """The JWS protected header (JAdES-B: signing certificate and claimed time, no timestamp)."""
    header: dict[str, object] = {
        "alg": "PS256",
        "typ": "JOSE",
        "kid": credentials.kid,
        "x5t#S256": credentials.x5t_s256,
        "x5c": credentials.x5c,
        "sigT": signing_time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if mode == "digest":
        header["b64"] = False
        header["sigD"] = {"mId": HTTP_HEADERS_MECHANISM, "pars": ["digest"]}
        header["crit"] = ["sigT", "b64", "sigD"]
    else:
        header["crit"] = ["sigT"]
    return header


class _Base64UrlHasher:
    """Feeds BASE64URL(data) into a hash while data arrives in chunks of any size."""

    def __init__(self, hasher: hashlib._Hash) -> None:
        self.hasher = hasher
        self.rest = b""

    def update(self, data: bytes) -> None:
        data = self.rest + data
        cut = len(data) - len(data) % 3
        self.rest = data[cut:]
        if cut:
            self.hasher.update(base64.urlsafe_b64encode(data[:cut]))

    def finish(self) -> None:
        if self.rest:
            self.hasher.update(base64.urlsafe_b64encode(self.rest).rstrip(b"="))
            self.rest = b""


class SigningSession:
    """One body being signed: :meth:`update` with each chunk, then :meth:`finish`."""

    def __init__(
        self, credentials: SigningCredentials, mode: SignatureMode, signing_time: datetime
    ) -> None:
        if mode not in SIGNATURE_MODES:
            raise SigningConfigurationError(f"Onbekende ondertekenwijze {mode!r}.")
        self.credentials = credentials
        self.mode = mode
        header = protected_header(credentials, mode=mode, signing_time=signing_time)
        self.encoded_header = b64url(json.dumps(header, separators=(",", ":")).encode())
        self.body_hash = hashlib.sha256()
        self.length = 0
        self.input_hash = None
        if mode == "body":
            self.input_hash = hashlib.sha256((self.encoded_header + ".").encode("ascii"))
            self.b64_body = _Base64UrlHasher(self.input_hash)

    def update(self, chunk: bytes) -> None:
        self.body_hash.update(chunk)
        self.length += len(chunk)
        if self.input_hash is not None:
            self.b64_body.update(chunk)

    def finish(self) -> tuple[str, str]:
        """The ``Digest`` and ``nlgov-adr-payload-sig`` header values."""
        digest = digest_header(self.body_hash.digest())
        key = self.credentials.private_key
        if self.input_hash is None:
            signing_input = f"{self.encoded_header}.digest: {digest}".encode("ascii")
            signature = key.sign(signing_input, PS256_PADDING, hashes.SHA256())
        else:
            self.b64_body.finish()
            prehashed = utils.Prehashed(hashes.SHA256())
            signature = key.sign(self.input_hash.digest(), PS256_PADDING, prehashed)
        return digest, f"{self.encoded_header}..{b64url(signature)}"


def sign_body(
    body: bytes,
    credentials: SigningCredentials,
    *,
    mode: SignatureMode = "digest",
    signing_time: datetime | None = None,
) -> tuple[str, str]:
    """``(Digest, nlgov-adr-payload-sig)`` for a body held in memory (small answers, errors)."""
    session = SigningSession(credentials, mode, signing_time or datetime.now(UTC))
    session.update(body)
    return session.finish()


@dataclass
class SignedStream:
    """A streamed body whose headers are known before its first byte is sent."""

    digest: str
    signature: str
    content_length: int
    chunks: Iterator[bytes]


def sign_stream(
    produce: Callable[[], Iterable[bytes]],
    credentials: SigningCredentials,
    *,
    mode: SignatureMode = "digest",
    signing_time: datetime | None = None,
) -> SignedStream:
    """Sign a body that is produced twice: once to hash and sign, once to send.

    ``produce`` must give the same bytes both times (a deterministic writer over one database
    snapshot). The sending pass hashes again and holds back the last chunk until the hash
    matches: if the data changed in between, the response is broken off (the client sees a short
    body that fails its digest) rather than sent complete with a wrong signature.
    """
    session = SigningSession(credentials, mode, signing_time or datetime.now(UTC))
    for chunk in produce():
        session.update(chunk)
    digest, signature = session.finish()
    expected = session.body_hash.digest()

    def replay() -> Iterator[bytes]:
        check = hashlib.sha256()
        held: bytes | None = None
        for chunk in produce():
            check.update(chunk)
            if held is not None:
                yield held
            held = chunk
        if check.digest() != expected:
            logger.error("DDAS-levering veranderde tussen ondertekenen en versturen; afgebroken.")
            raise BodyChangedError("De gegevens veranderden tijdens het versturen.")
        if held is not None:
            yield held

    return SignedStream(
        digest=digest, signature=signature, content_length=session.length, chunks=replay()
    )


class Spool(Protocol):
    """Where a body waits between signing and sending (:class:`.spool.EncryptedSpool`)."""

    def write(self, data: bytes) -> object: ...

    def replay(self) -> Iterator[bytes]:
        """The bytes written, in order; called once, after the last write."""
        ...

    def close(self) -> None: ...


def sign_spooled(
    chunks: Iterable[bytes],
    credentials: SigningCredentials,
    *,
    spool: Spool,
    mode: SignatureMode = "digest",
    signing_time: datetime | None = None,
) -> SignedStream:
    """Sign a body produced once: hashed and signed as it is written to ``spool``, then sent
    from the spool. The bytes sent are the bytes signed, whatever the data does meanwhile, and
    the body is never whole in memory. The spool is closed when the body has been sent (or the
    client went away), or here if producing fails.
    """
    session = SigningSession(credentials, mode, signing_time or datetime.now(UTC))
    try:
        for chunk in chunks:
            session.update(chunk)
            spool.write(chunk)
        digest, signature = session.finish()
    except BaseException:
        spool.close()
        raise

    def send() -> Iterator[bytes]:
        try:
            yield from spool.replay()
        finally:
            spool.close()

    return SignedStream(
        digest=digest, signature=signature, content_length=session.length, chunks=send()
    )
