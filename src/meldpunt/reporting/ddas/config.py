"""The DDAS delivery's settings, read and checked in one place (see .env.example, docs/ddas.md)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from cryptography import x509
from django.conf import settings
from django.utils.module_loading import import_string

from .collection import PeriodKind
from .signing import SIGNATURE_MODES, SignatureMode, SigningConfigurationError, SigningCredentials
from .source import DeliverySource


@dataclass(frozen=True)
class DeliveryConfig:
    source: DeliverySource
    credentials: SigningCredentials
    signature_mode: SignatureMode
    supplier_code: str
    period_kind: PeriodKind
    client_peer_ids: tuple[str, ...]
    fsc_certificates: tuple[x509.Certificate, ...]
    fsc_service: str


def enabled() -> bool:
    """Switched on by naming the client (CBS's peer id); a source alone is not enough."""
    return bool(getattr(settings, "MELDPUNT_DDAS_SOURCE", "")) and bool(
        getattr(settings, "MELDPUNT_DDAS_CLIENT_PEER_IDS", None)
    )


def supplier_code() -> str:
    """``codeGegevensleverancier``: product name + version unless configured otherwise."""
    if settings.MELDPUNT_DDAS_SUPPLIER_CODE:
        return settings.MELDPUNT_DDAS_SUPPLIER_CODE
    try:
        return f"Meldpunt {version('meldpunt')}"
    except PackageNotFoundError:  # a source tree that was never installed
        return "Meldpunt"


@cache
def _load(key: tuple) -> DeliveryConfig:
    (source, key_path, password, cert_path, kid, mode, period, peers, fsc_path, service) = key
    if mode not in SIGNATURE_MODES:
        raise SigningConfigurationError(
            f"MELDPUNT_DDAS_SIGNATURE_MODE is {mode!r}; kies uit {', '.join(SIGNATURE_MODES)}."
        )
    if period not in ("maand", "kwartaal"):
        raise SigningConfigurationError("MELDPUNT_DDAS_REPORTING_PERIOD is 'maand' of 'kwartaal'.")
    if not key_path or not cert_path:
        raise SigningConfigurationError(
            "MELDPUNT_DDAS_SIGNING_KEY en MELDPUNT_DDAS_SIGNING_CERT zijn nodig om te leveren."
        )
    if not peers:
        raise SigningConfigurationError(
            "MELDPUNT_DDAS_CLIENT_PEER_IDS is leeg: geef het OIN van CBS op."
        )
    try:
        fsc = (
            tuple(x509.load_pem_x509_certificates(Path(fsc_path).read_bytes())) if fsc_path else ()
        )
    except (OSError, ValueError):
        raise SigningConfigurationError(
            f"MELDPUNT_DDAS_FSC_TOKEN_CERTS ({fsc_path}) is geen leesbaar PEM-bestand."
        ) from None
    if not fsc:
        raise SigningConfigurationError(
            "MELDPUNT_DDAS_FSC_TOKEN_CERTS is nodig: het certificaat waarmee onze FSC Manager "
            "tokens ondertekent."
        )
    return DeliveryConfig(
        source=import_string(source)(),
        credentials=SigningCredentials.from_files(
            key_path=key_path, chain_path=cert_path, password=password, kid=kid
        ),
        signature_mode=mode,
        supplier_code=supplier_code(),
        period_kind=period,
        client_peer_ids=tuple(peers),
        fsc_certificates=fsc,
        fsc_service=service,
    )


def load() -> DeliveryConfig:
    """The configuration, loaded once per set of setting values (keys are read from disk once)."""
    return _load(
        (
            settings.MELDPUNT_DDAS_SOURCE,
            settings.MELDPUNT_DDAS_SIGNING_KEY,
            settings.MELDPUNT_DDAS_SIGNING_KEY_PASSWORD,
            settings.MELDPUNT_DDAS_SIGNING_CERT,
            settings.MELDPUNT_DDAS_SIGNING_KID,
            settings.MELDPUNT_DDAS_SIGNATURE_MODE,
            settings.MELDPUNT_DDAS_REPORTING_PERIOD,
            tuple(settings.MELDPUNT_DDAS_CLIENT_PEER_IDS),
            settings.MELDPUNT_DDAS_FSC_TOKEN_CERTS,
            settings.MELDPUNT_DDAS_FSC_SERVICE,
        )
    )
