"""The client's address, the one function every rate limit and lockout uses (docs/adr/0101).

``X-Forwarded-For`` is whatever the client sent, plus what each proxy appended. It is honoured
only when the direct peer (REMOTE_ADDR) is one of MELDPUNT_TRUSTED_PROXIES; then the list is
read from the right and the first address that is not a trusted proxy is the client. A client
that makes up a header from an untrusted address is counted under its own address, and one
behind the proxy cannot push its own entries past the entry the proxy wrote.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
UNIX = "unix"  # in MELDPUNT_TRUSTED_PROXIES: trust a peer without an address (a Unix socket)
UNKNOWN = "onbekend"


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[Network, ...]:
    networks = []
    for entry in spec:
        if entry == UNIX:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"MELDPUNT_TRUSTED_PROXIES: {entry!r} is no IP address or network (CIDR)"
            ) from None
    return tuple(networks)


def trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(settings.MELDPUNT_TRUSTED_PROXIES))


def parse_address(value: str) -> IPAddress | None:
    """An address as proxies write it: ``1.2.3.4``, ``1.2.3.4:5678``, ``[2001:db8::1]:443``."""
    text = value.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_trusted(address: IPAddress, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_address(request: Any) -> str:
    """The address to count a request under (``request`` is Django's or DRF's request)."""
    meta = request.META
    remote = parse_address(meta.get("REMOTE_ADDR") or "")
    networks = trusted_networks()
    if remote is None:
        if UNIX not in settings.MELDPUNT_TRUSTED_PROXIES:
            return UNKNOWN
        client: str = UNKNOWN
    elif not _is_trusted(remote, networks):
        return str(remote)
    else:
        client = str(remote)
    for entry in reversed(meta.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = parse_address(entry)
        if address is None:
            break  # not written by a proxy we trust: stay with the last trusted hop
        client = str(address)
        if not _is_trusted(address, networks):
            break
    return client


def axes_client_address(request: Any) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the same address, or None when there is none (axes stores it in
    an IP address column; a request made in code, such as a test's login, has no peer)."""
    address = client_address(request)
    return None if address == UNKNOWN else address
