"""Mail to a brand's customers goes through the brand's SMTP server, with the panel's certificate checks."""

import ssl
from email import message_from_bytes, policy

import pytest
import trustme
from aiosmtpd.controller import Controller
from django.core import mail

from portal import mail as portal_mail
from tests.accounts.smtp import Inbox, free_port
from tests.portal.factories import PortalDomainFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ca():
    return trustme.CA()


@pytest.fixture
def tls_server(ca):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    inbox = Inbox()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=free_port(), tls_context=context, require_starttls=True
    )
    controller.start()
    yield controller, inbox
    controller.stop()


def brand_on(controller):
    return PortalDomainFactory(
        domain="shop.brand.test", smtp_server="127.0.0.1", smtp_port=controller.port, smtp_from="hi@shop.test"
    )


def test_brand_mail_goes_through_its_server_over_checked_tls(tls_server, ca, settings, tmp_path):
    controller, inbox = tls_server
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    settings.SMTP_CA_FILE = str(ca_file)
    portal_mail.send(brand_on(controller), "Welcome", "Hello", ["ann@newcaller.test"])
    [envelope] = inbox.messages
    message = message_from_bytes(envelope.content, policy=policy.default)
    assert envelope.mail_from == "hi@shop.test" and envelope.rcpt_tos == ["ann@newcaller.test"]
    assert message["Subject"] == "Welcome" and mail.outbox == []


def test_an_untrusted_certificate_is_refused(tls_server):
    controller, inbox = tls_server
    with pytest.raises(ssl.SSLCertVerificationError):
        portal_mail.send(brand_on(controller), "Welcome", "Hello", ["ann@newcaller.test"])
    assert inbox.messages == []


def test_a_brand_without_a_server_uses_the_panel_mail():
    portal_mail.send(PortalDomainFactory(), "Welcome", "Hello", ["ann@newcaller.test"])
    assert [m.to for m in mail.outbox] == [["ann@newcaller.test"]]
