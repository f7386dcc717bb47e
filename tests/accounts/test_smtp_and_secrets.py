"""SMTP details: a real local SMTP server (aiosmtpd) receives the Test Email; secrets are encrypted at rest
and survive key rotation."""

import socket

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from accounts import services, sms, two_factor
from accounts.models import AccountSettings, TwoFactor
from connexcs import crypto
from connexcs.models import AuditEvent
from tests.factories import PASSWORD, AdminFactory

from .smtp import free_port

pytestmark = pytest.mark.django_db


def configure(**values):
    admin = AdminFactory(email="boss@example.test")
    services.account_smtp_update(actor=admin, current_password=PASSWORD, **values)
    return admin


def test_test_email_goes_through_the_saved_server(smtp_server):
    controller, inbox = smtp_server
    admin = configure(smtp_from="noc@example.test", smtp_server="127.0.0.1", smtp_port=controller.port)
    ok, answer = services.smtp_test(actor=admin, to=admin.email)
    assert ok and answer.startswith("250") and "accepted" in answer
    [envelope] = inbox.messages
    assert envelope.mail_from == "noc@example.test" and envelope.rcpt_tos == ["boss@example.test"]
    assert AuditEvent.objects.filter(action="account.smtp_test", note__startswith="sent").exists()


def test_refused_connection_is_reported_not_raised():
    admin = configure(smtp_server="127.0.0.1", smtp_port=free_port())
    ok, answer = services.smtp_test(actor=admin, to=admin.email)
    assert not ok and "refused the connection" in answer


def test_a_server_that_never_answers_times_out_with_a_message(monkeypatch):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the TCP connection but never greets
    monkeypatch.setattr(services, "SMTP_TIMEOUT", 1)
    try:
        admin = configure(smtp_server="127.0.0.1", smtp_port=listener.getsockname()[1])
        ok, answer = services.smtp_test(actor=admin, to=admin.email)
    finally:
        listener.close()
    assert not ok and "did not answer" in answer


def test_test_email_view_reports_the_answer(client, smtp_server):
    controller, _ = smtp_server
    admin = configure(smtp_server="127.0.0.1", smtp_port=controller.port)
    client.force_login(admin)
    page = client.post("/accounts/my-account/smtp/test-email/", follow=True).content.decode()
    assert "Test Email:</strong> sent." in page and "250" in page


def test_test_email_view_with_a_dead_server_is_not_a_500(client):
    admin = configure(smtp_server="127.0.0.1", smtp_port=free_port())
    client.force_login(admin)
    response = client.post("/accounts/my-account/smtp/test-email/", follow=True)
    assert response.status_code == 200 and "refused the connection" in response.content.decode()


def test_test_mobile_sends_through_the_sms_backend(client):
    admin = configure(sms_from="+447911000000")
    admin.mobile = "+447911123456"
    admin.save()
    client.force_login(admin)
    page = client.post("/accounts/my-account/smtp/test-mobile/", follow=True).content.decode()
    assert "Test Mobile:</strong> sent." in page
    assert sms.outbox == [
        sms.SmsMessage(to="+447911123456", body="connexcs test SMS", sender="+447911000000")
    ]


def test_smtp_password_is_never_echoed_and_blank_keeps_it(client):
    admin = configure(smtp_server="mail.example.test", smtp_password="Sup3r-Secret-Pw")
    client.force_login(admin)
    for url in ("/accounts/my-account/smtp/", "/accounts/my-account/smtp/edit/"):
        assert "Sup3r-Secret-Pw" not in client.get(url).content.decode()
    response = client.post(
        "/accounts/my-account/smtp/edit/",
        {
            "smtp_from": "noc@example.test",
            "smtp_server": "mail.example.test",
            "smtp_port": 587,
            "smtp_password": "",
            "current_password": PASSWORD,
        },
    )
    assert response.status_code == 302
    row = AccountSettings.load()
    assert row.smtp_password == "Sup3r-Secret-Pw" and row.smtp_port == 587
    event = AuditEvent.objects.filter(action="account.smtp_update").first()
    assert "Sup3r-Secret-Pw" not in str(event.before) + str(event.after)


def raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def test_secrets_are_not_plaintext_in_the_database(time_machine):
    admin = configure(smtp_password="Sup3r-Secret-Pw")
    record = two_factor.two_factor_begin(actor=admin)
    stored_pw = raw("SELECT smtp_password FROM accounts_accountsettings WHERE id = %s", [1])
    stored_secret = raw("SELECT secret FROM accounts_twofactor WHERE id = %s", [record.pk])
    assert "Sup3r-Secret-Pw" not in stored_pw and record.secret not in stored_secret


def test_rotation_then_removal_of_the_old_key_keeps_every_secret(settings):
    admin = configure(smtp_password="Sup3r-Secret-Pw")
    record = two_factor.two_factor_begin(actor=admin)
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_field_keys")
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    assert AccountSettings.objects.get(pk=1).smtp_password == "Sup3r-Secret-Pw"
    assert TwoFactor.objects.get(pk=record.pk).secret == record.secret
    # And the old key alone no longer opens them: they really moved.
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    with pytest.raises(crypto.DecryptionError):
        AccountSettings.objects.get(pk=1)
