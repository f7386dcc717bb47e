"""Whether a portal domain is a CNAME to PORTAL_CNAME_TARGET, asked of the configured resolvers."""

from dataclasses import dataclass

from django.conf import settings

from connexcs.dns import _resolver

CNAME_ONLY = (
    "Expose the portal through a CNAME record pointing to {target}; "
    "it will not work with A records or by pointing directly."
)


@dataclass
class Finding:
    ok: bool
    found: str


def check(domain: str) -> Finding:
    import dns.exception
    import dns.resolver

    target = settings.PORTAL_CNAME_TARGET.lower().rstrip(".")
    resolver = _resolver()
    try:
        answer = resolver.resolve(domain, "CNAME")
    except dns.resolver.NXDOMAIN:
        return Finding(
            False, f"{domain} does not exist in DNS (NXDOMAIN). {CNAME_ONLY.format(target=target)}"
        )
    except dns.resolver.NoAnswer:
        return Finding(False, _not_a_cname(resolver, domain, target))
    except dns.exception.Timeout:
        return Finding(False, f"The DNS lookup of {domain} timed out; it will be checked again.")
    except dns.exception.DNSException as exc:
        return Finding(False, f"The DNS lookup of {domain} failed ({exc}); it will be checked again.")
    pointed = answer[0].target.to_text().lower().rstrip(".")
    if pointed != target:
        return Finding(False, f"CNAME to {pointed}, not to {target}.")
    return Finding(True, f"CNAME to {pointed}.")


def _not_a_cname(resolver, domain: str, target: str) -> str:
    import dns.exception

    try:
        addresses = [r.address for r in resolver.resolve(domain, "A")]
    except dns.exception.DNSException:
        addresses = []
    found = f"A record {', '.join(addresses)}" if addresses else "no CNAME record"
    return f"Found {found}. {CNAME_ONLY.format(target=target)}"
