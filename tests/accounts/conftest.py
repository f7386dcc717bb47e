import ssl

import pytest
import trustme
from aiosmtpd.controller import Controller

from accounts import sms

from .smtp import Inbox, free_port


@pytest.fixture(autouse=True)
def empty_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def smtp_ca():
    return trustme.CA()


@pytest.fixture
def tls_smtp_server(smtp_ca):
    """An SMTP server that insists on STARTTLS, with a certificate from the test's own CA."""
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    smtp_ca.issue_cert("127.0.0.1").configure_cert(server_context)
    inbox = Inbox()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=free_port(), tls_context=server_context, require_starttls=True
    )
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def trust_smtp_ca(settings, smtp_ca, tmp_path):
    """Point SMTP_CA_FILE at the test CA, as an operator would for a private CA."""
    ca_file = tmp_path / "smtp-ca.pem"
    smtp_ca.cert_pem.write_to_path(str(ca_file))
    settings.SMTP_CA_FILE = str(ca_file)
    return ca_file
