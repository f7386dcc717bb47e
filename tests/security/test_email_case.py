"""Issue 9.3: an email address is one identity whatever its letter case."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.test import Client

from accounts import services
from accounts.choices import Role
from accounts.models import User
from tests.factories import PASSWORD, AdminFactory, UserFactory

pytestmark = pytest.mark.django_db

VARIANTS = ["victim@example.test", "Victim@example.test", "VICTIM@example.test", "victim@EXAMPLE.test",
            "vIcTiM@Example.Test", "VICTIM@EXAMPLE.TEST"]  # fmt: skip


def login(client, email, password, ip="10.9.9.9"):
    return client.post("/accounts/login/", {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_changing_the_letter_case_does_not_reset_the_lockout(settings):
    UserFactory(email="victim@example.test")
    for i in range(24):  # 24 guesses across 6 spellings of one address
        login(Client(), VARIANTS[i % len(VARIANTS)], f"guess-{i}")
    for variant in VARIANTS:
        response = login(Client(), variant, PASSWORD)
        assert response.status_code in (403, 429), variant
    # The lockout is per address and IP: the owner elsewhere still gets in.
    assert login(Client(), "Victim@Example.test", PASSWORD, ip="10.1.1.1").status_code == 302


def test_lockout_counts_every_spelling_towards_one_limit(settings):
    UserFactory(email="victim@example.test")
    for i in range(settings.AXES_FAILURE_LIMIT):
        login(Client(), VARIANTS[i % len(VARIANTS)], "guess")
    assert login(Client(), "victim@example.test", PASSWORD).status_code in (403, 429)


def test_log_in_with_any_case():
    UserFactory(email="ops@example.test")
    assert login(Client(), "OPS@Example.TEST", PASSWORD).status_code == 302


def test_user_creation_refuses_another_case_of_a_taken_address():
    admin = AdminFactory()
    UserFactory(email="ops@example.test")
    with pytest.raises(ValidationError) as exc:
        services.user_create(
            actor=admin, name="X", email="OPS@Example.test", password=PASSWORD, role=Role.USER
        )
    assert "email" in exc.value.message_dict
    with pytest.raises(IntegrityError):
        User.objects.bulk_create([User(email="Ops@Example.Test")])


def test_manager_stores_the_address_in_lower_case():
    assert User.objects.create_user("New.Person@Example.TEST", PASSWORD).email == "new.person@example.test"


def test_password_reset_finds_the_user_whatever_the_case(client, django_capture_on_commit_callbacks):
    UserFactory(email="ops@example.test")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post("/accounts/password-reset/", {"email": "OPS@EXAMPLE.test"})
    assert len(callbacks) == 1
