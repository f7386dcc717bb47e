"""Which hosts are portal hosts: the verified brand domains (registered with connexcs.hosts)."""

from .selectors import verified_domain

PORTAL = "portal"


def resolve(domain: str) -> str | None:
    return PORTAL if verified_domain(host=domain) is not None else None
