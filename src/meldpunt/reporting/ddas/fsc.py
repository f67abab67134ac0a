"""Which caller the collection endpoint accepts: the FSC access token the Inway passes on.

FSC Core: the Inway validates the ``Fsc-Authorization`` access token (mTLS, certificate binding,
contract) and MUST pass the header on to the service. The token is a JWT signed by our own FSC
Manager; its ``sub`` is the peer id (OIN) of the consumer, ``svc`` the service name. The
endpoint verifies it again against the Manager's token-signing certificate(s) and accepts only
the configured peer ids (CBS), so a request that reaches the application without passing the
Inway is refused too.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

LEEWAY_SECONDS = 60
_HASHES = {"256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}


class ClientRefused(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


@dataclass(frozen=True)
class AcceptedClient:
    peer_id: str
    service: str


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _thumbprint(cert: x509.Certificate) -> str:
    return base64.urlsafe_b64encode(cert.fingerprint(hashes.SHA256())).rstrip(b"=").decode()


def _verify_signature(cert: x509.Certificate, alg: str, signed: bytes, signature: bytes) -> None:
    family, size = alg[:2], alg[2:]
    if size not in _HASHES or family not in ("RS", "ES"):
        raise ClientRefused(401, f"Het FSC-token gebruikt een niet toegestaan algoritme ({alg}).")
    algorithm = _HASHES[size]()
    key = cert.public_key()
    if family == "RS" and isinstance(key, rsa.RSAPublicKey):
        key.verify(signature, signed, padding.PKCS1v15(), algorithm)
    elif family == "ES" and isinstance(key, ec.EllipticCurvePublicKey):
        half = len(signature) // 2
        der = utils.encode_dss_signature(
            int.from_bytes(signature[:half], "big"), int.from_bytes(signature[half:], "big")
        )
        key.verify(der, signed, ec.ECDSA(algorithm))
    else:
        raise ClientRefused(401, "Het algoritme van het FSC-token past niet bij het certificaat.")


def verify_fsc_token(
    header_value: str | None,
    *,
    certificates: Sequence[x509.Certificate],
    peer_ids: Sequence[str],
    service: str,
    now: datetime,
) -> AcceptedClient:
    """Check the ``Fsc-Authorization`` token; raises :class:`ClientRefused` (401 or 403)."""
    if not header_value:
        raise ClientRefused(401, "De header Fsc-Authorization ontbreekt.")
    token = header_value.removeprefix("Bearer ").strip()
    try:
        encoded_header, encoded_claims, encoded_signature = token.split(".")
        header = json.loads(_unb64url(encoded_header))
        claims = json.loads(_unb64url(encoded_claims))
        signature = _unb64url(encoded_signature)
    except (ValueError, UnicodeDecodeError):
        raise ClientRefused(401, "Het FSC-token is geen geldige JWT.") from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise ClientRefused(401, "Het FSC-token is geen geldige JWT.")
    signer = next((c for c in certificates if _thumbprint(c) == header.get("x5t#S256")), None)
    if signer is None:
        raise ClientRefused(401, "Het FSC-token is niet door onze FSC Manager ondertekend.")
    try:
        _verify_signature(
            signer, str(header.get("alg")), f"{encoded_header}.{encoded_claims}".encode(), signature
        )
    except InvalidSignature:
        raise ClientRefused(401, "De ondertekening van het FSC-token klopt niet.") from None
    moment = now.timestamp()
    exp, nbf = claims.get("exp"), claims.get("nbf")
    if not isinstance(exp, int | float) or exp + LEEWAY_SECONDS < moment:
        raise ClientRefused(401, "Het FSC-token is verlopen.")
    if isinstance(nbf, int | float) and nbf - LEEWAY_SECONDS > moment:
        raise ClientRefused(401, "Het FSC-token is nog niet geldig.")
    if service and claims.get("svc") != service:
        raise ClientRefused(403, "Het FSC-token is voor een andere dienst.")
    peer = claims.get("sub")
    if peer not in peer_ids:
        raise ClientRefused(403, "Deze afnemer heeft geen toegang tot de DDAS-levering.")
    return AcceptedClient(peer_id=str(peer), service=str(claims.get("svc", "")))
