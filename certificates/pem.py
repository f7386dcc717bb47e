"""Reading and checking pasted PEM: each problem is a field error a person can act on."""

from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from django.core.exceptions import ValidationError
from django.utils import timezone


@dataclass(frozen=True)
class Checked:
    names: list[str]
    issuer: str
    not_after: datetime
    fingerprint: str


def _certificates(field: str, text: str) -> list[x509.Certificate]:
    if "-----BEGIN CERTIFICATE-----" not in text:
        raise ValidationError(
            {field: "Paste the certificate in PEM: -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----."}
        )
    try:
        return x509.load_pem_x509_certificates(text.encode())
    except ValueError as exc:
        raise ValidationError({field: f"This is not a readable PEM certificate: {exc}"}) from exc


def _names(cert: x509.Certificate) -> list[str]:
    try:
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        return [n.lower() for n in names.get_values_for_type(x509.DNSName)]
    except x509.ExtensionNotFound:
        common = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
        return [str(common[0].value).lower()] if common else []


def _spki(public_key) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def covers(name: str, domain: str) -> bool:
    """RFC 6125: a wildcard stands for exactly one left-most label."""
    if name == domain:
        return True
    if name.startswith("*."):
        head, _, rest = domain.partition(".")
        return bool(head) and rest == name[2:]
    return False


def check(*, domain: str, certificate: str, key: str, ca_certificate: str) -> Checked:
    """The certificate (its chain may follow it) must read, be for `domain`, be in date, match the key,
    and be issued by the CA certificate when one is given."""
    chain = _certificates("certificate", certificate)
    leaf = chain[0]
    now = timezone.now()
    errors: dict[str, str] = {}
    names = _names(leaf)
    if not any(covers(n, domain) for n in names):
        errors["certificate"] = (
            f"This certificate is for {', '.join(names) or 'no domain'}, not for {domain}."
        )
    elif leaf.not_valid_after_utc <= now:
        errors["certificate"] = f"This certificate expired on {leaf.not_valid_after_utc:%Y-%m-%d}."
    elif leaf.not_valid_before_utc > now:
        errors["certificate"] = f"This certificate is valid only from {leaf.not_valid_before_utc:%Y-%m-%d}."
    try:
        private = serialization.load_pem_private_key(key.encode(), password=None)
    except (ValueError, TypeError) as exc:
        reason = (
            "it is protected by a passphrase; paste it unencrypted"
            if isinstance(exc, TypeError)
            else str(exc)
        )
        errors["private_key"] = f"This is not a readable PEM private key: {reason}."
    else:
        if _spki(private.public_key()) != _spki(leaf.public_key()):
            errors["private_key"] = "This key does not belong to the certificate."
    if ca_certificate.strip():
        try:
            issuer = _certificates("ca_certificate", ca_certificate)[0]
            (chain[1] if len(chain) > 1 and chain[1] != issuer else leaf).verify_directly_issued_by(issuer)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
        except (ValueError, TypeError, InvalidSignature):
            errors["ca_certificate"] = "This CA certificate did not issue the certificate."
    if errors:
        raise ValidationError(errors)
    return Checked(
        names=names,
        issuer=leaf.issuer.rfc4514_string()[:300],
        not_after=leaf.not_valid_after_utc,
        fingerprint=leaf.fingerprint(hashes.SHA256()).hex(":").upper(),
    )


def served_chain(*, certificate: str, ca_certificate: str, key: str) -> str:
    """What Caddy's `get_certificate http` expects: the chain, then the key, all PEM."""
    parts = [certificate.strip()]
    if ca_certificate.strip() and ca_certificate.strip() not in certificate:
        parts.append(ca_certificate.strip())
    parts.append(key.strip())
    return "\n".join(parts) + "\n"
