"""A throwaway CA and certificates for tests, made with `cryptography` (no files, no network)."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass
class Issued:
    certificate: str
    key: str
    cert: x509.Certificate


def _pem_key(key, password: bytes | None = None) -> str:
    encryption = serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    ).decode()


def _build(subject: str, issuer_name, issuer_key, public_key, *, ca: bool, names=(), days=(-1, 90)):
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + timedelta(days=days[0]))
        .not_valid_after(now + timedelta(days=days[1]))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if names:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


class CA:
    def __init__(self, name: str = "Test Root CA"):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.cert = _build(
            name,
            x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]),
            self.key,
            self.key.public_key(),
            ca=True,
            days=(-1, 3650),
        )
        self.pem = self.cert.public_bytes(serialization.Encoding.PEM).decode()

    def issue(self, *names: str, days=(-1, 90), password: bytes | None = None) -> Issued:
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _build(
            names[0], self.cert.subject, self.key, key.public_key(), ca=False, names=names, days=days
        )
        return Issued(cert.public_bytes(serialization.Encoding.PEM).decode(), _pem_key(key, password), cert)
