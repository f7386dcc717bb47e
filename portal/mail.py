"""Mail to a brand's customers: through the brand's SMTP server when it has one, else the panel's.

The brand's server gets the same certificate checks as the panel's (accounts.mail.tls_context).
"""

from django.core import mail

from accounts import mail as panel_mail
from notices import render as notices

from .models import PortalDomain


def connection(brand: PortalDomain):
    if not brand.smtp_server:
        return panel_mail.connection()
    implicit_tls = brand.smtp_tls and brand.smtp_port == 465
    return mail.get_connection(
        backend="accounts.mail.AccountSMTPBackend",
        host=brand.smtp_server,
        port=brand.smtp_port,
        username=brand.smtp_username,
        password=brand.smtp_password,
        use_ssl=implicit_tls,
        use_tls=brand.smtp_tls and not implicit_tls,
        timeout=panel_mail.SMTP_TIMEOUT,
    )


def send(brand: PortalDomain, subject: str, body: str, to: list[str], html: str = "") -> None:
    if not brand.smtp_server:
        panel_mail.send(subject, body, to, html=html)
        return
    from_address = brand.smtp_from or f"noreply@{brand.domain}"
    mail.send_mail(subject, body, from_address, to, connection=connection(brand), html_message=html or None)


def brand_data(brand: PortalDomain) -> dict:
    """What templates may say about a brand."""
    return {"name": brand.brand_name, "domain": brand.domain}


def send_message(brand: PortalDomain, key: str, context: dict, to: list[str]) -> None:
    """The stock message `key`, as worded under Setup > Config > Templates, with the brand's name."""
    message = notices.message(key, {"brand": brand_data(brand), **context})
    send(brand, message.subject, message.text, to, html=message.html)
