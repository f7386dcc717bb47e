"""Addresses of SIP peers (IP, CIDR, host name or SRV record) and their DNS resolution.

Customers' IP authentication and carriers' gateways both accept any of these forms; host names
and SRV records are resolved by a Celery task through `resolve()`, which honours
settings.DNS_NAMESERVERS ("host" or "host:port"; empty means the system resolver).
"""

import ipaddress
import re
from dataclasses import dataclass, field

import dns.exception
import dns.resolver
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

SIP_PORT = 5060  # the well-known SIP port, the default for IP auth and gateways
MAX_PORT = 65535


class AddressKind(models.TextChoices):
    IP = "ip", "IP"
    CIDR = "cidr", "CIDR"
    HOST = "host", "Host name"
    SRV = "srv", "SRV record"


class Transport(models.TextChoices):
    UDP = "udp", "UDP"
    TCP = "tcp", "TCP"
    TLS = "tls", "TLS"


_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
HOST_RE = re.compile(rf"^(?:{_LABEL}\.)+[a-z][a-z0-9-]{{0,62}}(?<!-)\.?$")
SRV_RE = re.compile(rf"^_[a-z0-9-]{{1,62}}\._(udp|tcp|tls|sctp)\.(?:{_LABEL}\.)*{_LABEL}\.?$")


def normalise(address: str) -> str:
    return (address or "").strip().lower().rstrip(".")


def classify(address: str) -> tuple[str, str]:
    """(kind, canonical address) or ValidationError saying what is wrong with it."""
    value = normalise(address)
    if not value:
        raise ValidationError("Enter an IP address, a CIDR, a host name or an SRV record.", code="required")
    if "/" in value:
        try:
            network = ipaddress.ip_network(value, strict=False)
        except ValueError as exc:
            raise ValidationError(f"{address!r} is not a valid CIDR: {exc}.", code="cidr") from exc
        if network.num_addresses == 1:
            return AddressKind.IP, str(network.network_address)
        return AddressKind.CIDR, str(network)
    try:
        return AddressKind.IP, str(ipaddress.ip_address(value))
    except ValueError:
        pass
    if re.fullmatch(r"[0-9.]+", value) or (":" in value):
        raise ValidationError(f"{address!r} is not a valid IP address.", code="ip")
    if value.startswith("_"):
        if not SRV_RE.match(value):
            raise ValidationError(
                f"{address!r} is not a valid SRV name (expected e.g. _sip._udp.example.com).", code="srv"
            )
        return AddressKind.SRV, value
    if not HOST_RE.match(value) or len(value) > 253:
        raise ValidationError(f"{address!r} is not a valid host name.", code="host")
    return AddressKind.HOST, value


def needs_resolution(kind: str) -> bool:
    return kind in (AddressKind.HOST, AddressKind.SRV)


@dataclass
class Resolution:
    addresses: list[str] = field(default_factory=list)
    error: str = ""


def _resolver():
    configured = list(settings.DNS_NAMESERVERS)
    resolver = dns.resolver.Resolver(configure=not configured)
    if configured:
        hosts, port = [], 53
        for entry in configured:
            host, _, maybe_port = entry.rpartition(":") if entry.count(":") == 1 else (entry, "", "")
            hosts.append(host or entry)
            if maybe_port:
                port = int(maybe_port)
        resolver.nameservers = hosts
        resolver.port = port
    resolver.lifetime = settings.DNS_TIMEOUT
    resolver.timeout = resolver.lifetime
    return resolver


def _addresses(resolver, name: str) -> list[str]:
    found = []
    for rdtype in ("A", "AAAA"):
        try:
            answer = resolver.resolve(name, rdtype)
        except dns.resolver.NoAnswer:
            continue
        found.extend(r.address for r in answer)
    return found


def resolve(kind: str, address: str) -> Resolution:
    """Look up a host name (A + AAAA) or an SRV record (its targets' A + AAAA).

    Never raises for DNS failures: they come back as `error`, so the caller can flag the row.
    """
    resolver = _resolver()
    try:
        if kind == AddressKind.SRV:
            answer = resolver.resolve(address, "SRV")
            targets = sorted(answer, key=lambda r: (r.priority, -r.weight))
            found = []
            for record in targets:
                target = record.target.to_text().rstrip(".")
                if target:
                    found.extend(_addresses(resolver, target))
        else:
            found = _addresses(resolver, address)
    except dns.resolver.NXDOMAIN:
        return Resolution(error=f"{address} does not exist (NXDOMAIN).")
    except dns.resolver.NoAnswer:
        return Resolution(error=f"{address} has no {kind.upper() if kind == 'srv' else 'address'} records.")
    except dns.resolver.NoNameservers as exc:
        return Resolution(error=f"No name server answered for {address}: {exc}")
    except dns.exception.Timeout:
        return Resolution(error=f"DNS lookup of {address} timed out.")
    except dns.exception.DNSException as exc:
        return Resolution(error=f"DNS lookup of {address} failed: {exc}")
    unique = list(dict.fromkeys(found))
    if not unique:
        return Resolution(error=f"{address} resolved to no addresses.")
    return Resolution(addresses=unique)
