"""Reads of certificates, for the panel's page and for Caddy's questions at TLS handshake."""

from django.db.models import QuerySet
from django.utils import timezone

from . import pem
from .models import Certificate


def certificate_list(*, actor) -> QuerySet[Certificate]:
    return Certificate.objects.all()


def managed_domain(domain: str) -> bool:
    """May Caddy ask Let's Encrypt for `domain`? Yes when an operator added it as not User Provided."""
    return Certificate.objects.filter(domain=domain, user_provided=False).exists()


def served_for(server_name: str) -> str:
    """The PEM chain and key Caddy should present for `server_name`, or "" (Caddy then goes on to its
    own certificates). An exact name wins over a wildcard; an expired certificate is not served."""
    name = server_name.strip().lower().rstrip(".")
    if not name:
        return ""
    head, _, rest = name.partition(".")
    candidates = [name, f"*.{rest}"] if head and rest else [name]
    rows = {c.domain: c for c in Certificate.objects.filter(domain__in=candidates, user_provided=True)}
    for domain in candidates:
        cert = rows.get(domain)
        if cert and cert.not_after and cert.not_after > timezone.now():
            return pem.served_chain(
                certificate=cert.certificate, ca_certificate=cert.ca_certificate, key=cert.private_key
            )
    return ""
