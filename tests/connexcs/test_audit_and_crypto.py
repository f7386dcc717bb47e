from decimal import Decimal

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from connexcs import audit, crypto
from connexcs.choices import AuditAction
from customers.models import Customer
from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db


def test_audit_records_actor_object_and_states():
    admin = AdminFactory()
    customer = Customer.objects.create(name="Acme", currency="GBP", debit_limit=Decimal("12.5"))
    before = audit.snapshot(customer)
    customer.debit_limit = Decimal("20")
    after = audit.snapshot(customer)
    event = audit.record(
        actor=admin, action=AuditAction.CUSTOMER_UPDATE, obj=customer, before=before, after=after
    )
    event.refresh_from_db()
    assert event.actor == admin and event.object_repr == "Acme"
    assert event.before["debit_limit"] == "12.5"
    assert event.after["debit_limit"] == "20"


def test_audit_refuses_a_free_form_action():
    with pytest.raises(TypeError):
        audit.record(actor=None, action="customer.update")


def test_crypto_round_trip_and_wrong_key_raises(settings):
    token = crypto.encrypt("s3cret")
    assert "s3cret" not in token and crypto.decrypt(token) == "s3cret"
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token)


def test_rotate_moves_a_secret_to_the_newest_key(settings):
    old = settings.FIELD_ENCRYPTION_KEYS[0]
    token = crypto.encrypt("old-secret")
    new = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    rotated = crypto.rotate(token)
    settings.FIELD_ENCRYPTION_KEYS = [new]
    assert crypto.decrypt(rotated) == "old-secret"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token)


def test_rotate_command_runs(capsys):
    call_command("rotate_field_keys")
    assert "Re-encrypted" in capsys.readouterr().out
