"""The panel's own mail (verification codes, password reset, login emails) goes through the SMTP details
saved under My Account when a server is set, and through EMAIL_URL (locmem in tests) when not."""

from email import message_from_bytes, policy

import pytest
from django.core import mail

from accounts import services, verification
from accounts.choices import Channel
from accounts.models import VerificationCode
from tests.factories import PASSWORD, AdminFactory, UserFactory

from .smtp import free_port

pytestmark = pytest.mark.django_db


def configure(**values):
    services.account_smtp_update(actor=AdminFactory(), current_password=PASSWORD, **values)


def received(inbox):
    [envelope] = inbox.messages
    return envelope, message_from_bytes(envelope.content, policy=policy.default)


def deliver_code(user, callbacks_fixture) -> VerificationCode:
    with callbacks_fixture(execute=False):
        row = verification.verification_send(actor=user, channel=Channel.EMAIL)
    verification.verification_deliver(code_id=row.pk)
    row.refresh_from_db()
    return row


def test_verification_code_goes_to_the_saved_smtp_server(smtp_server, django_capture_on_commit_callbacks):
    controller, inbox = smtp_server
    configure(smtp_from="noc@example.test", smtp_server="127.0.0.1", smtp_port=controller.port)
    user = UserFactory(email="ops@example.test")
    row = deliver_code(user, django_capture_on_commit_callbacks)
    envelope, message = received(inbox)
    assert envelope.mail_from == "noc@example.test" and envelope.rcpt_tos == ["ops@example.test"]
    assert message["From"] == "noc@example.test"
    assert message["Subject"] == "Your connexcs verification code"
    assert mail.outbox == [] and row.send_error == ""


def test_password_reset_goes_to_the_saved_smtp_server(smtp_server, settings):
    controller, inbox = smtp_server
    configure(smtp_from="noc@example.test", smtp_server="127.0.0.1", smtp_port=controller.port)
    user = UserFactory(email="forgot@example.test")
    services.user_send_password_reset(user_id=user.pk)
    envelope, message = received(inbox)
    assert envelope.rcpt_tos == ["forgot@example.test"] and message["From"] == "noc@example.test"
    assert f"{settings.PANEL_URL}/accounts/reset/" in message.get_content()
    assert mail.outbox == []


def test_without_a_saved_server_mail_uses_the_default_backend(smtp_server, settings):
    controller, inbox = smtp_server
    configure(smtp_from="noc@example.test", smtp_port=controller.port)  # no server: not used
    user = UserFactory(email="forgot@example.test")
    services.user_send_password_reset(user_id=user.pk)
    [message] = mail.outbox
    assert message.to == ["forgot@example.test"] and message.from_email == settings.DEFAULT_FROM_EMAIL
    assert inbox.messages == []


def test_login_email_goes_over_starttls_to_a_server_with_a_trusted_ca(tls_smtp_server, trust_smtp_ca):
    controller, inbox = tls_smtp_server
    configure(smtp_from="noc@example.test", smtp_server="127.0.0.1", smtp_port=controller.port, smtp_tls=True)
    user = UserFactory(email="ops@example.test")
    services.user_send_login_email(user_id=user.pk, ip_address="192.0.2.7")
    envelope, message = received(inbox)
    assert envelope.rcpt_tos == ["ops@example.test"] and "192.0.2.7" in message.get_content()


def test_an_untrusted_certificate_is_a_send_error_on_the_code_not_a_crash(
    tls_smtp_server, django_capture_on_commit_callbacks
):
    controller, inbox = tls_smtp_server
    configure(smtp_server="127.0.0.1", smtp_port=controller.port, smtp_tls=True)
    row = deliver_code(UserFactory(), django_capture_on_commit_callbacks)
    assert "certificate this panel does not trust" in row.send_error and inbox.messages == []


def test_a_dead_saved_server_is_a_send_error_on_the_code(django_capture_on_commit_callbacks):
    configure(smtp_server="127.0.0.1", smtp_port=free_port())
    row = deliver_code(UserFactory(), django_capture_on_commit_callbacks)
    assert row.send_error and row.sent_at is not None and mail.outbox == []


# --- Test Email with TLS -------------------------------------------------------------------------


def test_test_email_over_starttls_with_a_trusted_ca(tls_smtp_server, trust_smtp_ca):
    controller, inbox = tls_smtp_server
    admin = AdminFactory(email="boss@example.test")
    services.account_smtp_update(
        actor=admin,
        current_password=PASSWORD,
        smtp_server="127.0.0.1",
        smtp_port=controller.port,
        smtp_tls=True,
    )
    ok, answer = services.smtp_test(actor=admin, to=admin.email)
    assert ok and answer.startswith("250")
    envelope, _ = received(inbox)
    assert envelope.rcpt_tos == ["boss@example.test"]


def test_test_email_without_tls_is_refused_by_a_server_that_requires_it(tls_smtp_server):
    controller, inbox = tls_smtp_server
    admin = AdminFactory()
    services.account_smtp_update(
        actor=admin, current_password=PASSWORD, smtp_server="127.0.0.1", smtp_port=controller.port
    )
    ok, answer = services.smtp_test(actor=admin, to=admin.email)
    assert not ok and "530" in answer and inbox.messages == []


def test_test_email_with_an_untrusted_certificate_says_so_on_the_page(client, tls_smtp_server):
    controller, inbox = tls_smtp_server
    admin = AdminFactory()
    services.account_smtp_update(
        actor=admin,
        current_password=PASSWORD,
        smtp_server="127.0.0.1",
        smtp_port=controller.port,
        smtp_tls=True,
    )
    client.force_login(admin)
    response = client.post("/accounts/my-account/smtp/test-email/", follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and "certificate this panel does not trust" in page
    assert "SMTP_CA_FILE" in page and inbox.messages == []
