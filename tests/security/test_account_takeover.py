"""Issue 9.1: a staff user with only the Account area must not be able to take over an Administrator."""

import re

import pyotp
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from accounts import services
from accounts.choices import Area, Role
from accounts.models import AccountSettings, User
from connexcs.choices import AuditAction
from connexcs.models import AuditEvent
from tests.factories import PASSWORD, AdminFactory, UserFactory, grant

from .conftest import enrol

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Brand-New-Passw0rd-42"


def smtp_post(controller, **extra):
    return {
        "smtp_from": "panel@evil.test",
        "smtp_server": controller.hostname,
        "smtp_port": controller.port,
        "smtp_username": "",
        "smtp_password": "",
        "sms_from": "",
        **extra,
    }


def ask_reset(email):
    services.user_send_password_reset(user_id=User.objects.get(email=email).pk)


def test_account_area_user_cannot_redirect_security_mail_and_take_over_an_admin(clock, smtp_server):
    controller, inbox = smtp_server
    admin = AdminFactory(email="boss@example.test")
    enrol(admin, clock)
    attacker = UserFactory()
    grant(attacker, Area.ACCOUNT)
    client = Client()
    client.force_login(attacker)

    # Step 1: point the panel's outgoing mail at a server the attacker runs. Refused.
    response = client.post("/accounts/my-account/smtp/edit/", smtp_post(controller))
    assert response.status_code == 403
    assert AccountSettings.load().smtp_server == ""
    assert client.get("/accounts/my-account/smtp/edit/").status_code == 403

    # Step 2: a reset for the admin goes through the deployment's mail, not to the attacker.
    ask_reset(admin.email)
    assert inbox.messages == []
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [admin.email]


def test_a_password_reset_never_removes_the_two_factor_step(clock):
    admin = AdminFactory(email="boss@example.test")
    secret = enrol(admin, clock)
    elsewhere = Client()
    elsewhere.force_login(admin)
    ask_reset(admin.email)
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    client = Client()
    page = client.get(link.split("example.test", 1)[1], follow=True)
    form_url = page.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # the reset did not log anybody in
    assert elsewhere.get("/").status_code == 302  # and it ended the sessions the account had
    assert AuditEvent.objects.filter(action=AuditAction.USER_PASSWORD_RESET, object_id=str(admin.pk)).exists()

    # The new password leads to the code step, never straight in, on the panel...
    response = client.post("/accounts/login/", {"username": admin.email, "password": NEW_PASSWORD})
    assert response.url == "/accounts/login/two-factor/"
    assert client.get("/").status_code == 302
    # ...and on the Django admin's own login page.
    admin_client = Client()
    admin_client.post("/django-admin/login/", {"username": admin.email, "password": NEW_PASSWORD})
    assert admin_client.get("/django-admin/").status_code == 302
    assert admin_client.get("/").status_code == 302

    response = client.post("/accounts/login/two-factor/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302 and client.get("/").status_code == 200


def test_admin_changes_smtp_only_with_password_and_code(clock, smtp_server):
    controller, _ = smtp_server
    admin = AdminFactory()
    secret = enrol(admin, clock)
    client = Client()
    client.force_login(admin)
    url = "/accounts/my-account/smtp/edit/"

    response = client.post(url, smtp_post(controller))
    assert response.status_code == 200 and AccountSettings.load().smtp_server == ""
    assert "current_password" in response.context["form"].errors

    response = client.post(
        url, smtp_post(controller, current_password=PASSWORD, authentication_code="000000")
    )
    assert response.status_code == 200 and AccountSettings.load().smtp_server == ""
    assert "authentication_code" in response.context["form"].errors

    response = client.post(
        url, smtp_post(controller, current_password="wrong", authentication_code=pyotp.TOTP(secret).now())
    )
    assert response.status_code == 200 and AccountSettings.load().smtp_server == ""

    clock.shift(30)  # a fresh code: the one above may count as used
    response = client.post(
        url, smtp_post(controller, current_password=PASSWORD, authentication_code=pyotp.TOTP(secret).now())
    )
    assert response.status_code == 302
    assert AccountSettings.load().smtp_server == controller.hostname
    event = AuditEvent.objects.get(action=AuditAction.ACCOUNT_SMTP_UPDATE)
    assert event.actor == admin and event.after["smtp_server"] == controller.hostname


def test_smtp_service_refuses_a_non_admin_even_with_the_right_password():
    user = UserFactory()
    grant(user, Area.ACCOUNT)
    with pytest.raises(ValidationError) as exc:
        services.account_smtp_update(actor=user, current_password=PASSWORD, smtp_server="evil.test")
    assert "Administrator" in str(exc.value)
    assert AccountSettings.load().smtp_server == ""


def test_general_settings_cannot_change_smtp_fields():
    admin = AdminFactory()
    with pytest.raises(TypeError):
        services.account_settings_update(actor=admin, smtp_server="evil.test")


def test_role_change_writes_its_own_audit_event():
    admin = AdminFactory()
    user = UserFactory()
    services.user_update(actor=admin, instance=user, name=user.name, email=user.email, role=Role.ADMIN)
    event = AuditEvent.objects.get(action=AuditAction.USER_ROLE_CHANGE, object_id=str(user.pk))
    assert event.before == {"role": Role.USER} and event.after == {"role": Role.ADMIN}


def test_moving_an_administrators_email_needs_password_and_code(clock):
    boss = AdminFactory(email="boss@example.test")
    secret = enrol(boss, clock)
    other = AdminFactory(email="other-admin@example.test")
    for target in (other, boss):
        with pytest.raises(ValidationError) as exc:
            services.user_update(
                actor=boss, instance=target, name="x", email="new@evil.test", role=Role.ADMIN
            )
        assert "current_password" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.user_update(
            actor=boss,
            instance=other,
            name="x",
            email="new@evil.test",
            role=Role.ADMIN,
            current_password=PASSWORD,
            authentication_code="000000",
        )
    assert "authentication_code" in exc.value.message_dict
    assert User.objects.get(pk=other.pk).email == "other-admin@example.test"
    services.user_update(
        actor=boss,
        instance=other,
        name="x",
        email="moved@example.test",
        role=Role.ADMIN,
        current_password=PASSWORD,
        authentication_code=pyotp.TOTP(secret).now(),
    )
    assert User.objects.get(pk=other.pk).email == "moved@example.test"


def test_own_email_change_through_the_profile_form_asks_an_admin_to_reauthenticate(client):
    admin = AdminFactory(email="boss@example.test")
    client.force_login(admin)
    url = "/accounts/my-account/user/edit/"
    response = client.post(url, {"name": "Boss", "email": "boss@evil.test"})
    assert response.status_code == 200 and "current_password" in response.context["form"].errors
    response = client.post(url, {"name": "Boss", "email": "boss@new.test", "current_password": PASSWORD})
    assert response.status_code == 302 and User.objects.get(pk=admin.pk).email == "boss@new.test"
    # A plain user's address reaches only their own account: no extra step.
    user = UserFactory()
    client.force_login(user)
    assert client.post(url, {"name": "U", "email": "u@new.test"}).status_code == 302
