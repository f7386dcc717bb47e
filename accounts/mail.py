"""How the panel sends email: through the SMTP details saved under My Account when a server is set,
otherwise through EMAIL_URL (the deployment's default backend)."""

import ssl

from django.conf import settings
from django.core import mail
from django.core.mail.backends.smtp import EmailBackend
from django.utils.functional import cached_property

from .models import AccountSettings

SMTP_TIMEOUT = 10  # seconds; a server that does not answer in time is reported, not waited on


def tls_context() -> ssl.SSLContext:
    """Certificates are always checked; SMTP_CA_FILE names a private CA, else the system store is used."""
    return ssl.create_default_context(cafile=settings.SMTP_CA_FILE or None)


class AccountSMTPBackend(EmailBackend):
    @cached_property
    def ssl_context(self):
        return tls_context()


def connection(row: AccountSettings | None = None):
    row = row or AccountSettings.load()
    if not row.smtp_server:
        return mail.get_connection()
    implicit_tls = row.smtp_tls and row.smtp_port == 465
    return mail.get_connection(
        backend="accounts.mail.AccountSMTPBackend",
        host=row.smtp_server,
        port=row.smtp_port,
        username=row.smtp_username,
        password=row.smtp_password,
        use_ssl=implicit_tls,
        use_tls=row.smtp_tls and not implicit_tls,
        timeout=SMTP_TIMEOUT,
    )


def send(subject: str, body: str, to: list[str]) -> None:
    row = AccountSettings.load()
    from_address = (row.smtp_server and row.smtp_from) or settings.DEFAULT_FROM_EMAIL
    mail.send_mail(subject, body, from_address, to, connection=connection(row))
