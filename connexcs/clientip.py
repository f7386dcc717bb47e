"""The client's address behind our reverse proxy (Caddy), without trusting what a client says of itself.

X-Forwarded-For is read only when the request came from a trusted proxy (TRUSTED_PROXIES, CIDRs), and
then from the right: each trusted hop appends the address it saw, so the first untrusted address from
the right is the client's. Anything a client put in front of that is its own claim and is ignored.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(cidrs: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(c.strip(), strict=False) for c in cidrs if c.strip())


def _parse(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # An IPv4 peer on a dual-stack socket shows as ::ffff:a.b.c.d.
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted(address, networks) -> bool:
    return any(address.version == n.version and address in n for n in networks)


def client_ip(request) -> str:
    """The address the request came from; "" when even REMOTE_ADDR is not an address."""
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    peer = _parse(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return ""
    if not _trusted(peer, networks):
        return str(peer)
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            break  # a malformed hop: what lies before it cannot be believed
        if not _trusted(address, networks):
            return str(address)
        peer = address
    return str(peer)
