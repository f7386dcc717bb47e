"""Every write of Setup > Information > Certificate; each is audited (the key as a mask only)."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from connexcs import audit
from connexcs.choices import AuditAction

from . import pem
from .models import Certificate

# Host names of letters, digits and hyphens; a User Provided certificate may be for a wildcard.
_DOMAIN = re.compile(r"^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def _domain(value: str, *, user_provided: bool, exclude_pk=None) -> str:
    domain = (value or "").strip().lower().rstrip(".")
    if len(domain) > 253 or not _DOMAIN.match(domain):
        raise ValidationError({"domain": "Enter a domain name such as portal.example.com."})
    if domain.startswith("*.") and not user_provided:
        raise ValidationError(
            {"domain": "Let's Encrypt is asked per name as visitors come; a wildcard must be User Provided."}
        )
    if Certificate.objects.filter(domain=domain).exclude(pk=exclude_pk).exists():
        raise ValidationError({"domain": f"{domain} already has a certificate; edit that one."})
    return domain


def _fill(cert: Certificate, *, user_provided: bool, certificate: str, key: str, ca: str) -> None:
    cert.user_provided = user_provided
    if not user_provided:
        cert.certificate = cert.private_key = cert.ca_certificate = cert.issuer = cert.fingerprint = ""
        cert.names, cert.not_after = [], None
        return
    errors = {}
    if not certificate.strip():
        errors["certificate"] = "Paste the certificate (PEM)."
    if not key.strip():
        errors["private_key"] = "Paste the private key (PEM)."
    if errors:
        raise ValidationError(errors)
    checked = pem.check(domain=cert.domain, certificate=certificate, key=key, ca_certificate=ca)
    cert.certificate, cert.private_key, cert.ca_certificate = certificate.strip(), key.strip(), ca.strip()
    cert.names, cert.issuer = checked.names, checked.issuer
    cert.not_after, cert.fingerprint = checked.not_after, checked.fingerprint


@transaction.atomic
def certificate_create(
    *,
    actor: User,
    domain: str,
    user_provided: bool = False,
    certificate: str = "",
    private_key: str = "",
    ca_certificate: str = "",
) -> Certificate:
    cert = Certificate(domain=_domain(domain, user_provided=user_provided))
    _fill(cert, user_provided=user_provided, certificate=certificate, key=private_key, ca=ca_certificate)
    cert.save()
    audit.record(actor=actor, action=AuditAction.CERTIFICATE_CREATE, obj=cert, after=audit.snapshot(cert))
    return cert


@transaction.atomic
def certificate_update(
    *,
    actor: User,
    instance: Certificate,
    domain: str,
    user_provided: bool = False,
    certificate: str = "",
    private_key: str = "",
    ca_certificate: str = "",
) -> Certificate:
    """An empty Key keeps the stored one (it is never shown back)."""
    cert = Certificate.objects.select_for_update().get(pk=instance.pk)
    before = audit.snapshot(cert)
    cert.domain = _domain(domain, user_provided=user_provided, exclude_pk=cert.pk)
    key = private_key if private_key.strip() else cert.private_key
    _fill(cert, user_provided=user_provided, certificate=certificate, key=key, ca=ca_certificate)
    cert.save()
    audit.record(
        actor=actor,
        action=AuditAction.CERTIFICATE_UPDATE,
        obj=cert,
        before=before,
        after=audit.snapshot(cert),
    )
    return cert


@transaction.atomic
def certificate_delete(*, actor: User, instance: Certificate) -> None:
    cert = Certificate.objects.select_for_update().get(pk=instance.pk)
    audit.record(actor=actor, action=AuditAction.CERTIFICATE_DELETE, obj=cert, before=audit.snapshot(cert))
    cert.delete()
