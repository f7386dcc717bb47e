"""Issue 9.2: the Django admin sits behind the panel's one login (password, 2FA, axes)."""

import pyotp
import pytest
from django.test import Client

from accounts.choices import Role
from accounts.models import PermissionGroup, User
from connexcs import audit
from connexcs.choices import AuditAction
from connexcs.models import AuditEvent
from tests.factories import PASSWORD, AdminFactory, PermissionGroupFactory, UserFactory

from .conftest import enrol

pytestmark = pytest.mark.django_db


def panel_login(client, user, secret):
    client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    response = client.post("/accounts/login/two-factor/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302


def test_admin_login_page_is_the_panel_login():
    admin = AdminFactory()
    client = Client()
    response = client.get("/django-admin/login/?next=/django-admin/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    client.post("/django-admin/login/", {"username": admin.email, "password": PASSWORD})
    assert client.get("/django-admin/").status_code == 302
    assert client.get("/").status_code == 302  # not logged in anywhere


def test_admin_site_needs_a_session_that_passed_two_factor(clock):
    admin = AdminFactory(is_superuser=True)
    secret = enrol(admin, clock)
    half = Client()
    half.force_login(admin)  # a session that never went through the code step
    assert half.get("/django-admin/").status_code == 302
    full = Client()
    panel_login(full, admin, secret)
    assert full.get("/django-admin/").status_code == 200


def test_an_admin_without_two_factor_is_sent_to_enrol_first():
    admin = AdminFactory()
    client = Client()
    client.post("/accounts/login/", {"username": admin.email, "password": PASSWORD})
    assert client.get("/").status_code == 200  # the panel itself still works
    response = client.get("/django-admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/my-account/security/"


def test_audit_events_cannot_be_changed_or_deleted_through_the_admin(clock):
    admin = AdminFactory(is_superuser=True)
    secret = enrol(admin, clock)
    event = audit.record(actor=admin, action=AuditAction.USER_UPDATE, obj=admin, note="keep me")
    client = Client()
    panel_login(client, admin, secret)
    assert client.get(f"/django-admin/connexcs/auditevent/{event.pk}/change/").status_code == 200
    assert (
        client.post(f"/django-admin/connexcs/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    client.post(
        "/django-admin/connexcs/auditevent/",
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert AuditEvent.objects.filter(pk=event.pk, note="keep me").exists()


def test_users_and_groups_are_read_only_in_the_admin(clock):
    admin = AdminFactory(is_superuser=True)
    secret = enrol(admin, clock)
    user = UserFactory()
    group = PermissionGroupFactory()
    client = Client()
    panel_login(client, admin, secret)
    response = client.post(
        f"/django-admin/accounts/user/{user.pk}/change/",
        {"email": user.email, "name": "x", "role": Role.ADMIN, "is_active": "on"},
    )
    assert response.status_code in (200, 403)
    assert User.objects.get(pk=user.pk).role == Role.USER
    assert client.get("/django-admin/accounts/user/add/").status_code == 403
    client.post(f"/django-admin/accounts/permissiongroup/{group.pk}/delete/", {"post": "yes"})
    assert PermissionGroup.objects.filter(pk=group.pk).exists()
