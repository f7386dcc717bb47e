import re

import pytest
from django.core import mail
from django.test import Client

from accounts import services
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def login(client, email, password, ip="10.0.0.1"):
    return client.post("/accounts/login/", {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_login_and_logout():
    user = UserFactory(email="ops@example.test")
    client = Client()
    response = login(client, "OPS@example.test", PASSWORD)
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302
    assert user.is_authenticated


def test_wrong_password_is_refused_with_a_message():
    UserFactory(email="ops@example.test")
    response = login(Client(), "ops@example.test", "wrong")
    assert response.status_code == 200
    assert "correct email and password" in response.content.decode()


def test_axes_locks_the_user_from_that_ip_only(settings):
    victim = UserFactory(email="victim@example.test")
    colleague = UserFactory(email="colleague@example.test")
    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(attacker, victim.email, "guess", ip="10.9.9.9")
    locked = login(Client(), victim.email, PASSWORD, ip="10.9.9.9")
    assert locked.status_code in (403, 429)
    assert "Too many failed log-ins" in locked.content.decode()
    # Another user behind the same address still gets in...
    assert login(Client(), colleague.email, PASSWORD, ip="10.9.9.9").status_code == 302
    # ...and so does the victim from their own address.
    assert login(Client(), victim.email, PASSWORD, ip="10.1.1.1").status_code == 302


def test_axes_cool_off_lets_the_user_back_in(settings, time_machine):
    time_machine.move_to("2026-01-01 12:00", tick=False)
    victim = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(Client(), victim.email, "guess")
    assert login(Client(), victim.email, PASSWORD).status_code in (403, 429)
    time_machine.shift(settings.AXES_COOLOFF_TIME.total_seconds() + 1)
    assert login(Client(), victim.email, PASSWORD).status_code == 302


def test_password_reset_link_uses_the_panel_url_not_the_host_header(
    client, settings, django_capture_on_commit_callbacks
):
    settings.PANEL_HOSTS = ["testserver", "attacker.example"]
    user = UserFactory(email="ops@example.test")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            "/accounts/password-reset/", {"email": user.email}, HTTP_HOST="attacker.example"
        )
    assert response.status_code == 302
    assert len(callbacks) == 1  # the mail goes out from a worker after commit
    services.user_send_password_reset(user_id=user.pk)
    body = mail.outbox[0].body
    link = re.search(r"https?://\S+", body).group(0)
    assert link.startswith(settings.PANEL_URL + "/accounts/reset/")
    assert "attacker.example" not in body
    # The link works and sets a new password.
    response = client.get(link.removeprefix(settings.PANEL_URL), follow=True)
    assert response.status_code == 200
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "N3w-Secure-Passphrase", "new_password2": "N3w-Secure-Passphrase"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("N3w-Secure-Passphrase")


def test_password_reset_for_unknown_email_sends_nothing(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password-reset/", {"email": "nobody@example.test"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_production_hasher_is_django_default():
    """The suite swaps in a fast hasher per test; the project itself keeps Django's PBKDF2 default."""
    from django.conf import global_settings

    from connexcs import settings as project_settings

    assert not hasattr(project_settings, "PASSWORD_HASHERS")
    assert global_settings.PASSWORD_HASHERS[0].endswith("PBKDF2PasswordHasher")
