"""How the panel sends email: through the SMTP details saved under My Account when a server is set,
otherwise through EMAIL_URL (the deployment's default backend)."""

import smtplib
import socket
import ssl

from django.conf import settings
from django.core import mail
from django.core.mail.backends.smtp import EmailBackend
from django.utils.functional import cached_property

from notices import render as notices

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


def send(subject: str, body: str, to: list[str], html: str = "", attachments: tuple = ()) -> None:
    """`attachments`: (file name, content, MIME type) each."""
    row = AccountSettings.load()
    from_address = (row.smtp_server and row.smtp_from) or settings.DEFAULT_FROM_EMAIL
    message = mail.EmailMultiAlternatives(subject, body, from_address, to, connection=connection(row))
    if html:
        message.attach_alternative(html, "text/html")
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    message.send()


def user_data(user) -> dict:
    """What templates may say about a panel user."""
    return {"name": str(user), "email": user.email}


def send_message(key: str, context: dict, to: list[str]) -> None:
    """The stock message `key` as worded under Setup > Config > Templates."""
    message = notices.message(key, context)
    send(message.subject, message.text, to, html=message.html)


def describe_failure(exc: Exception, row: AccountSettings | None = None) -> str:
    """A failed send in plain words, naming the server, for the page that reports it."""
    row = row or AccountSettings.load()
    if not row.smtp_server:
        return f"The mail backend could not send: {exc}"
    where = f"{row.smtp_server}:{row.smtp_port}"
    if isinstance(exc, TimeoutError) or "timed out" in str(exc):
        return f"{where} did not answer within {SMTP_TIMEOUT} seconds."
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (
            f"{where} has a certificate this panel does not trust ({exc.verify_message}). "
            "If it is signed by a private CA, set SMTP_CA_FILE to that CA's certificate."
        )
    if isinstance(exc, ConnectionRefusedError):
        return f"The mail server {where} refused the connection (nothing is listening there)."
    if isinstance(exc, socket.gaierror):
        return f"The mail server name {row.smtp_server!r} could not be found."
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"{where} did not accept the SMTP username and password."
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        (code, reply), *_ = exc.recipients.values()
        return f"The server refused the recipient: {code} {reply.decode(errors='replace')}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"The server answered {exc.smtp_code} {exc.smtp_error.decode(errors='replace')}"
    return f"{where}: {exc}"
