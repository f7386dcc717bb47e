"""Carrier payments: money kept as Decimal in the carrier's currency, each bad field named, every
write audited, a double-posted form booked once, a void kept in the history, and a carrier with
payments not deletable."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from carriers import services
from carriers.models import Carrier, CarrierPayment
from connexcs.choices import AuditAction
from connexcs.models import AuditEvent
from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 10)


@pytest.fixture
def admin():
    return AdminFactory()


@pytest.fixture
def carrier(admin):
    return services.carrier_create(actor=admin, name="Upstream", currency="EUR")


def pay(admin, carrier, **kwargs):
    values = {"direction": "sent", "amount": "1250.1234", "paid_on": TODAY, **kwargs}
    return services.carrier_payment_create(actor=admin, carrier=carrier, **values)


def test_a_payment_is_kept_exactly_in_the_carriers_currency_and_audited(admin, carrier):
    payment = pay(admin, carrier, reference="  BANK-77 ", description="March prepay #our account 2")
    payment.refresh_from_db()
    assert payment.amount == Decimal("1250.1234") and isinstance(payment.amount, Decimal)
    assert payment.currency == "EUR" and payment.paid_on == TODAY
    assert payment.reference == "BANK-77" and payment.public_description == "March prepay"
    assert payment.actor == admin and payment.signed_amount == Decimal("1250.1234")
    event = AuditEvent.objects.get(action=AuditAction.CARRIER_PAYMENT_CREATE)
    assert event.actor == admin and event.object_id == str(payment.pk)
    assert event.after["amount"] == "1250.1234" and event.after["direction"] == "sent"


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("amount", {"amount": "0"}),
        ("amount", {"amount": "-5"}),
        ("amount", {"amount": "abc"}),
        ("amount", {"amount": "NaN"}),
        ("amount", {"amount": "1.00001"}),
        ("amount", {"amount": "1e15"}),
        ("amount", {"amount": ""}),
        ("direction", {"direction": "sideways"}),
        ("paid_on", {"paid_on": None}),
        ("paid_on", {"paid_on": "2026-03-10"}),
        ("reference", {"reference": "x" * 101}),
        ("description", {"description": "x" * 256}),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(admin, carrier, field, values):
    with pytest.raises(ValidationError) as info:
        pay(admin, carrier, **values)
    assert field in info.value.message_dict
    assert not CarrierPayment.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.CARRIER_PAYMENT_CREATE).exists()


def test_every_bad_field_is_named_at_once(admin, carrier):
    with pytest.raises(ValidationError) as info:
        pay(admin, carrier, amount="-1", direction="", paid_on=None, reference="r" * 200)
    assert set(info.value.message_dict) == {"amount", "direction", "paid_on", "reference"}


def test_a_date_in_the_future_is_refused(admin, carrier):
    with pytest.raises(ValidationError) as info:
        pay(admin, carrier, paid_on=timezone.localdate() + datetime.timedelta(days=1))
    assert info.value.message_dict == {"paid_on": ["The date cannot be in the future."]}


def test_the_same_form_posted_twice_books_one_payment(admin, carrier):
    key = uuid.uuid4()
    first = pay(admin, carrier, idempotency_key=key)
    again = pay(admin, carrier, idempotency_key=key, amount="99")
    assert again.pk == first.pk and again.already_saved
    assert CarrierPayment.objects.count() == 1
    other = services.carrier_create(actor=admin, name="Other", currency="EUR")
    with pytest.raises(ValidationError):
        pay(admin, other, idempotency_key=key)


def test_void_keeps_the_payment_and_says_why(admin, carrier):
    payment = pay(admin, carrier, direction="received")
    assert payment.signed_amount == Decimal("-1250.1234")
    with pytest.raises(ValidationError) as info:
        services.carrier_payment_void(actor=admin, instance=payment, reason="  ")
    assert "reason" in info.value.message_dict
    voided = services.carrier_payment_void(actor=admin, instance=payment, reason="Entered twice")
    assert voided.voided_at is not None and voided.void_reason == "Entered twice"
    assert CarrierPayment.objects.filter(pk=payment.pk).exists()
    event = AuditEvent.objects.get(action=AuditAction.CARRIER_PAYMENT_VOID)
    assert event.actor == admin and event.after["void_reason"] == "Entered twice"
    with pytest.raises(ValidationError, match="already void"):
        services.carrier_payment_void(actor=admin, instance=payment, reason="again")


def test_a_carrier_with_payments_is_not_deleted(admin, carrier):
    pay(admin, carrier)
    with pytest.raises(ValidationError, match="has payments"):
        services.carrier_delete(actor=admin, instance=carrier)
    assert Carrier.objects.filter(pk=carrier.pk).exists()
