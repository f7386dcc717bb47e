"""Out of the box mail works (codes print to the console backend) and a failed send says so."""

import socket

import pytest
from django.core import mail
from django.core.management import call_command

from accounts import services, verification
from accounts.choices import Channel
from accounts.models import AccountSettings, User, VerificationCode
from connexcs.management.commands.seed_demo import DEMO_EMAIL
from tests.factories import PASSWORD, AdminFactory, UserFactory

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_demo_data_leaves_smtp_unset_so_codes_reach_the_default_backend(django_capture_on_commit_callbacks):
    call_command("seed_demo")
    assert AccountSettings.load().smtp_server == ""

    user = User.objects.get(email=DEMO_EMAIL)
    with django_capture_on_commit_callbacks(execute=False):
        row = verification.verification_send(actor=user, channel=Channel.EMAIL)
    verification.verification_deliver(code_id=row.pk)
    row.refresh_from_db()
    assert row.send_error == "" and [m.to for m in mail.outbox] == [[DEMO_EMAIL]]


def test_a_failed_send_says_it_failed_and_why_never_that_it_was_sent(
    client, django_capture_on_commit_callbacks
):
    admin = AdminFactory()
    port = closed_port()
    services.account_smtp_update(
        actor=admin, current_password=PASSWORD, smtp_server="127.0.0.1", smtp_port=port
    )
    user = UserFactory(email="ops@example.test")
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=False):
        client.post("/accounts/verify/email/send/")
    verification.verification_deliver(code_id=VerificationCode.objects.get(user=user).pk)
    html = client.get("/accounts/verify/email/").content.decode()
    assert "could not be sent" in html
    assert f"The mail server 127.0.0.1:{port} refused the connection" in html
    assert "Errno" not in html and "A code was sent" not in html
