"""Digest and JAdES payload signature, verified by an independent implementation in this file.

The verifier below uses only cryptography primitives and the texts of DDAS and RFC 7515/7797 and
ETSI TS 119 182-1 (HttpHeaders mechanism): it shares no code with meldpunt's signer.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from meldpunt.reporting.ddas.signing import (
    BodyChangedError,
    SigningConfigurationError,
    SigningCredentials,
    sign_body,
    sign_spooled,
    sign_stream,
)
from meldpunt.reporting.ddas.spool import EncryptedSpool

NOW = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)
BODY = '{"gegevens":{"codeGegevensleverancier":"Meldpunt 0.1.0","x":"één"}}'.encode()


# --- a test PKI: root → intermediate → signing certificate ------------------------------------


def _key(bits: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def _name(cn: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test"),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, "00000001234567890000"),
        ]
    )


def _cert(subject_key, cn, issuer_key, issuer_name, *, ca: bool, eku=None, usage=None):
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(issuer_name or _name(cn))
        .public_key(subject_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=1))
        .not_valid_after(NOW + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if usage is None:
        usage = dict(digital_signature=not ca, content_commitment=not ca, key_cert_sign=ca)
    flags = dict(
        digital_signature=False,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    flags.update(usage)
    builder = builder.add_extension(x509.KeyUsage(**flags), critical=True)
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


@pytest.fixture(scope="module")
def pki():
    root_key, inter_key, leaf_key = _key(), _key(), _key()
    root = _cert(root_key, "Test Root", root_key, None, ca=True)
    inter = _cert(inter_key, "Test Intermediate", root_key, root.subject, ca=True)
    leaf = _cert(leaf_key, "Meldpunt ondertekening", inter_key, inter.subject, ca=False)
    return {
        "root": root,
        "inter": inter,
        "inter_key": inter_key,
        "leaf": leaf,
        "leaf_key": leaf_key,
        "credentials": SigningCredentials(
            private_key=leaf_key, chain=(leaf, inter), kid="meldpunt-ddas-2026"
        ),
    }


# --- the independent verifier -----------------------------------------------------------------


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Rejected(Exception):
    pass


def verify(body: bytes, digest: str, signature: str, trusted_root: x509.Certificate) -> dict:
    """Check Digest and nlgov-adr-payload-sig as a receiver (CBS) would; returns the header."""
    expected = "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()
    if digest != expected:
        raise Rejected("digest does not match the body")
    parts = signature.split(".")
    if len(parts) != 3 or parts[1] != "":
        raise Rejected("not a detached JWS compact serialisation")
    encoded_header, _, encoded_signature = parts
    header = json.loads(_unb64url(encoded_header))
    if header.get("alg") != "PS256" or header.get("typ") != "JOSE" or not header.get("kid"):
        raise Rejected("header lacks alg PS256 / typ JOSE / kid")
    understood = {"sigT", "sigD", "b64"}
    if not set(header.get("crit", [])) <= understood or "sigT" not in header.get("crit", []):
        raise Rejected("unknown critical header")
    chain = [x509.load_der_x509_certificate(base64.b64decode(c)) for c in header["x5c"]]
    leaf = chain[0]
    thumbprint = base64.urlsafe_b64encode(leaf.fingerprint(hashes.SHA256())).rstrip(b"=")
    if header.get("x5t#S256") != thumbprint.decode():
        raise Rejected("x5t#S256 is not the first certificate")
    for child, parent in zip(chain, [*chain[1:], trusted_root], strict=True):
        try:
            child.verify_directly_issued_by(parent)
        except (ValueError, TypeError, InvalidSignature) as exc:
            raise Rejected(f"chain broken at {child.subject.rfc4514_string()}") from exc
    for cert in chain:
        if not cert.not_valid_before_utc <= NOW <= cert.not_valid_after_utc:
            raise Rejected("certificate not valid now")
    if header.get("b64") is False:
        sig_d = header["sigD"]
        if sig_d != {"mId": "http://uri.etsi.org/19182/HttpHeaders", "pars": ["digest"]}:
            raise Rejected("sigD is not the HttpHeaders mechanism over digest")
        if set(header["crit"]) != understood:
            raise Rejected("b64 and sigD must be critical")
        headers = {"digest": digest}
        payload = "\n".join(f"{name}: {headers[name]}" for name in sig_d["pars"]).encode()
    else:
        payload = base64.urlsafe_b64encode(body).rstrip(b"=")
    signing_input = encoded_header.encode("ascii") + b"." + payload
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
    try:
        leaf.public_key().verify(_unb64url(encoded_signature), signing_input, pss, hashes.SHA256())
    except InvalidSignature as exc:
        raise Rejected("signature does not verify") from exc
    return header


# --- tests ------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["digest", "body"])
def test_signature_and_digest_verify_independently(pki, mode):
    digest, signature = sign_body(BODY, pki["credentials"], mode=mode, signing_time=NOW)
    header = verify(BODY, digest, signature, pki["root"])
    assert header["kid"] == "meldpunt-ddas-2026"
    assert header["sigT"] == "2026-04-02T08:00:00Z"
    assert len(header["x5c"]) == 2  # the chain, signing certificate first
    assert digest.startswith("SHA-256=") and len(digest) == len("SHA-256=") + 44


@pytest.mark.parametrize("mode", ["digest", "body"])
def test_a_tampered_body_fails(pki, mode):
    digest, signature = sign_body(BODY, pki["credentials"], mode=mode, signing_time=NOW)
    tampered = BODY.replace(b"0.1.0", b"0.1.1")
    with pytest.raises(Rejected, match="digest"):
        verify(tampered, digest, signature, pki["root"])
    # An attacker who also recomputes the Digest header still fails on the signature.
    forged_digest = "SHA-256=" + base64.b64encode(hashlib.sha256(tampered).digest()).decode()
    with pytest.raises(Rejected, match="signature"):
        verify(tampered, forged_digest, signature, pki["root"])


def test_a_tampered_header_fails(pki):
    digest, signature = sign_body(BODY, pki["credentials"], signing_time=NOW)
    encoded_header, _, sig = signature.split(".")
    header = json.loads(_unb64url(encoded_header))
    header["kid"] = "iemand-anders"
    forged = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
    with pytest.raises(Rejected, match="signature"):
        verify(BODY, digest, f"{forged}..{sig}", pki["root"])


def test_a_chain_from_another_root_fails(pki):
    digest, signature = sign_body(BODY, pki["credentials"], signing_time=NOW)
    other_key = _key()
    other_root = _cert(other_key, "Test Root", other_key, None, ca=True)
    with pytest.raises(Rejected, match="chain"):
        verify(BODY, digest, signature, other_root)


@pytest.mark.parametrize("mode", ["digest", "body"])
@pytest.mark.parametrize("chunk", [1, 2, 3, 4, 7, 64, 10_000])
def test_streamed_signing_equals_whole_body(pki, mode, chunk):
    body = BODY * 50

    def produce():
        return (body[i : i + chunk] for i in range(0, len(body), chunk))

    signed = sign_stream(produce, pki["credentials"], mode=mode, signing_time=NOW)
    sent = b"".join(signed.chunks)
    assert sent == body and signed.content_length == len(body)
    verify(sent, signed.digest, signed.signature, pki["root"])


def test_data_changing_between_the_passes_breaks_the_response_off(pki):
    rounds = iter([b"aaaa", b"aaab"])

    def produce():
        data = next(rounds)
        return [data[:2], data[2:]]

    signed = sign_stream(produce, pki["credentials"], signing_time=NOW)
    received = []
    with pytest.raises(BodyChangedError):
        for chunk in signed.chunks:
            received.append(chunk)
    assert b"".join(received) == b"aa"  # the last chunk is never sent


@pytest.mark.parametrize("mode", ["digest", "body"])
def test_spooled_signing_signs_what_it_sends_and_keeps_no_plaintext(pki, mode):
    """One pass: the body is signed as it goes into the spool, sent from it, and the spool (on
    disk, in the temp folder) never holds the body in plaintext."""
    probe = b'"postcode":"9999ZZ","huisnummer":"12345"'
    body = (BODY + probe) * 60_000  # ~5 MB: several encrypted chunks
    produced = []

    def chunks():
        for i in range(0, len(body), 65_536):
            produced.append(i)
            yield body[i : i + 65_536]

    spool = EncryptedSpool()
    signed = sign_spooled(chunks(), pki["credentials"], spool=spool, mode=mode, signing_time=NOW)
    produced_once = len(produced)
    spool._file.seek(0)
    on_disk = spool._file.read()  # what the temporary file holds (it has no name: O_TMPFILE)
    assert on_disk and probe not in on_disk and b"9999ZZ" not in on_disk
    sent = b"".join(signed.chunks)
    assert len(produced) == produced_once  # produced once, not again to send
    assert sent == body and signed.content_length == len(body)
    verify(sent, signed.digest, signed.signature, pki["root"])
    assert spool._file.closed


def test_a_failing_producer_closes_the_spool(pki):
    def chunks():
        yield b"{"
        raise RuntimeError("database gone")

    spool = EncryptedSpool()
    with pytest.raises(RuntimeError):
        sign_spooled(chunks(), pki["credentials"], spool=spool, signing_time=NOW)
    assert spool._file.closed


def test_credentials_from_pem_files(pki, tmp_path):
    key_file, chain_file = tmp_path / "sign.key", tmp_path / "sign-chain.pem"
    key_file.write_bytes(
        pki["leaf_key"].private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"geheim"),
        )
    )
    chain_file.write_bytes(
        b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (pki["leaf"], pki["inter"]))
    )
    credentials = SigningCredentials.from_files(
        key_path=key_file, chain_path=chain_file, password="geheim"
    )
    digest, signature = sign_body(BODY, credentials, signing_time=NOW)
    header = verify(BODY, digest, signature, pki["root"])
    assert header["kid"] == header["x5t#S256"]  # no kid configured: the certificate thumbprint
    with pytest.raises(SigningConfigurationError, match="niet te lezen"):
        SigningCredentials.from_files(key_path=key_file, chain_path=chain_file, password="fout")
    with pytest.raises(SigningConfigurationError, match="niet te lezen"):
        SigningCredentials.from_files(key_path=tmp_path / "weg.key", chain_path=chain_file)


def test_refused_credentials(pki):
    leaf, inter, inter_key = pki["leaf"], pki["inter"], pki["inter_key"]
    with pytest.raises(SigningConfigurationError, match="hoort niet bij"):
        SigningCredentials(private_key=pki["leaf_key"], chain=(inter, leaf), kid="x")
    tls_key = _key()
    tls = _cert(
        tls_key,
        "meldpunt.example.nl",
        inter_key,
        inter.subject,
        ca=False,
        eku=[ExtendedKeyUsageOID.SERVER_AUTH],
        usage={"digital_signature": True, "key_encipherment": True},
    )
    with pytest.raises(SigningConfigurationError, match="TLS"):
        SigningCredentials(private_key=tls_key, chain=(tls, inter), kid="x")
    no_sign_key = _key()
    no_sign = _cert(
        no_sign_key, "x", inter_key, inter.subject, ca=False, usage={"key_encipherment": True}
    )
    with pytest.raises(SigningConfigurationError, match="digitale handtekening"):
        SigningCredentials(private_key=no_sign_key, chain=(no_sign,), kid="x")
    small_key = _key(1024)
    with pytest.raises(SigningConfigurationError, match="bits"):
        SigningCredentials(private_key=small_key, chain=(leaf,), kid="x")
