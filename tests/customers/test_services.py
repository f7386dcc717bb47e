import hashlib
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from connexcs import versioning
from connexcs.models import AuditEvent
from customers import services
from customers.choices import Direction, PaymentStatus
from customers.models import Customer, IPAuth, LedgerEntry, SIPUser
from customers.selectors import customer_balance, with_balance
from tests.factories import AdminFactory, CustomerFactory

pytestmark = pytest.mark.django_db

STRONG = "Tr0ub4dor&3-Horse"


def md5_hex(text: str) -> str:
    # SIP digest auth (RFC 2617) is defined on MD5; this is the expected value, not a security use.
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


@pytest.fixture
def actor():
    return AdminFactory()


@pytest.fixture
def customer(actor):
    return services.customer_create(actor=actor, name="Acme Telecom", currency="GBP")


def field_of(exc) -> set[str]:
    return set(exc.value.error_dict)


# Customers


def test_customer_create_audits_and_bumps_routing(actor, django_capture_on_commit_callbacks):
    before = versioning.current("routing")
    with django_capture_on_commit_callbacks(execute=True):
        customer = services.customer_create(actor=actor, name=" Acme ", currency="EUR", channels=30, cps=5)
    assert customer.name == "Acme" and customer.currency == "EUR" and customer.channels == 30
    event = AuditEvent.objects.get(action="customer.create")
    assert event.actor == actor and event.after["currency"] == "EUR"
    assert versioning.current("routing") == before + 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": "", "currency": "USD"}, "name"),
        ({"name": "X", "currency": "XYZ"}, "currency"),
        ({"name": "X", "currency": "USD", "debit_limit": Decimal("1.00001")}, "debit_limit"),
        ({"name": "X", "currency": "USD", "tax_percent": Decimal("101")}, "tax_percent"),
        ({"name": "X", "currency": "USD", "channels": -1}, "channels"),
        ({"name": "X", "currency": "USD", "status": "gone"}, "status"),
    ],
)
def test_customer_create_rejects_bad_input_naming_the_field(actor, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        services.customer_create(actor=actor, **kwargs)
    assert field in field_of(exc)
    assert not Customer.objects.exists()


def test_customer_name_is_unique_case_insensitively(actor, customer):
    with pytest.raises(ValidationError) as exc:
        services.customer_create(actor=actor, name="ACME telecom", currency="USD")
    assert field_of(exc) == {"name"}


def test_customer_update_records_before_and_after(actor, customer):
    services.customer_update(actor=actor, instance=customer, status="penalty", debit_limit=Decimal("25.5"))
    customer.refresh_from_db()
    assert customer.status == "penalty" and customer.debit_limit == Decimal("25.5")
    event = AuditEvent.objects.get(action="customer.update")
    assert event.before["status"] == "active" and event.after["status"] == "penalty"


def test_currency_is_frozen_once_money_moved(actor, customer):
    services.payment_create(
        actor=actor, customer=customer, description="Top-up", amount="10", status="complete"
    )
    with pytest.raises(ValidationError) as exc:
        services.customer_update(actor=actor, instance=customer, currency="USD")
    assert field_of(exc) == {"currency"}


# IP authentication


def test_ipauth_ip_is_canonical_and_resolved_immediately(actor, customer):
    entry = services.ipauth_create(actor=actor, customer=customer, address=" 2001:DB8:0::1 ")
    assert (
        entry.kind == "ip" and entry.address == "2001:db8::1" and entry.resolved_addresses == ["2001:db8::1"]
    )
    assert AuditEvent.objects.filter(action="ipauth.create", object_id=str(entry.pk)).exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"address": "10.0.0.1/33"}, "address"),
        ({"address": "300.1.1.1"}, "address"),
        ({"address": "not a host"}, "address"),
        ({"address": "192.0.2.1", "port": 70000}, "port"),
        ({"address": "192.0.2.1", "port": 0}, "port"),
        ({"address": "192.0.2.1", "cps": -1}, "cps"),
        ({"address": "192.0.2.1", "tech_prefix": "12ab"}, "tech_prefix"),
        ({"address": "192.0.2.1", "direction": "sideways"}, "direction"),
    ],
)
def test_ipauth_bad_input_names_the_field(actor, customer, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        services.ipauth_create(actor=actor, customer=customer, **kwargs)
    assert field in field_of(exc)
    assert not IPAuth.objects.exists()


def test_ipauth_duplicate_for_the_same_customer(actor, customer):
    services.ipauth_create(actor=actor, customer=customer, address="192.0.2.1")
    with pytest.raises(ValidationError) as exc:
        services.ipauth_create(actor=actor, customer=customer, address="192.0.2.1/32")
    assert field_of(exc) == {"address"}


def test_shared_address_needs_a_distinct_tech_prefix(actor, customer):
    other = CustomerFactory()
    services.ipauth_create(actor=actor, customer=customer, address="192.0.2.1")
    with pytest.raises(ValidationError) as exc:
        services.ipauth_create(actor=actor, customer=other, address="192.0.2.1")
    assert field_of(exc) == {"tech_prefix"} and "Acme Telecom" in exc.value.messages[0]
    services.ipauth_create(actor=actor, customer=other, address="192.0.2.1", tech_prefix="123#")
    third = CustomerFactory()
    with pytest.raises(ValidationError) as exc:
        services.ipauth_create(actor=actor, customer=third, address="192.0.2.1", tech_prefix="123#")
    assert field_of(exc) == {"tech_prefix"}


def test_shared_address_is_fine_for_the_direction_that_receives_calls(actor, customer):
    other = CustomerFactory()
    services.ipauth_create(actor=actor, customer=customer, address="192.0.2.1", direction=Direction.OUTBOUND)
    services.ipauth_create(actor=actor, customer=other, address="192.0.2.1", direction=Direction.OUTBOUND)
    assert IPAuth.objects.count() == 2


def test_ipauth_resolve_flags_a_name_that_does_not_exist(actor, customer, dns_server):
    entry = services.ipauth_create(actor=actor, customer=customer, address="nowhere.example.test")
    services.ipauth_resolve(ipauth_id=entry.pk)
    entry.refresh_from_db()
    assert entry.resolved_addresses == [] and "NXDOMAIN" in entry.resolve_error
    assert AuditEvent.objects.filter(action="ipauth.resolve").exists()


def test_ipauth_resolve_srv(actor, customer, dns_server):
    entry = services.ipauth_create(actor=actor, customer=customer, address="_sip._udp.example.test")
    assert entry.kind == "srv"
    services.ipauth_resolve(ipauth_id=entry.pk)
    entry.refresh_from_db()
    assert entry.resolved_addresses == ["203.0.113.11", "203.0.113.12"]


def test_ipauth_update_changes_address_and_clears_resolution(actor, customer, dns_server):
    entry = services.ipauth_create(actor=actor, customer=customer, address="pbx.example.test")
    services.ipauth_resolve(ipauth_id=entry.pk)
    entry = services.ipauth_update(actor=actor, instance=entry, address="192.0.2.9")
    assert entry.kind == "ip" and entry.resolved_addresses == ["192.0.2.9"] and entry.resolved_at is None


# SIP users


def test_sipuser_stores_digests_and_encrypts_password(actor, customer, settings):
    settings.SIP_REALM = "sip.example.test"
    user = services.sipuser_create(actor=actor, customer=customer, username="acme100", password=STRONG)
    realm = "sip.example.test"
    assert user.ha1 == md5_hex(f"acme100:{realm}:{STRONG}")
    assert user.ha1b == md5_hex(f"acme100@{realm}:{realm}:{STRONG}")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT password FROM customers_sipuser WHERE id = %s", [user.pk])
        stored = cursor.fetchone()[0]
    assert STRONG not in stored
    assert SIPUser.objects.get(pk=user.pk).password == STRONG
    event = AuditEvent.objects.get(action="sipuser.create")
    assert STRONG not in str(event.after)


@pytest.mark.parametrize(
    ("username", "password", "field"),
    [
        ("acme100", "password", "password"),
        ("acme100", "short1A!", "password"),
        ("acme100", "alllowercaseletters", "password"),
        ("acme100", "Acme100-is-my-pass", "password"),
        ("a", STRONG, "username"),
        ("has space", STRONG, "username"),
    ],
)
def test_sipuser_rejects_weak_passwords_and_bad_usernames(actor, customer, username, password, field):
    with pytest.raises(ValidationError) as exc:
        services.sipuser_create(actor=actor, customer=customer, username=username, password=password)
    assert field_of(exc) == {field}
    assert not SIPUser.objects.exists()


def test_sipuser_username_is_unique_across_customers(actor, customer):
    services.sipuser_create(actor=actor, customer=customer, username="acme100", password=STRONG)
    with pytest.raises(ValidationError) as exc:
        services.sipuser_create(actor=actor, customer=CustomerFactory(), username="ACME100", password=STRONG)
    assert field_of(exc) == {"username"}


def test_reveal_is_audited(actor, customer):
    user = services.sipuser_create(actor=actor, customer=customer, username="acme100", password=STRONG)
    assert services.sipuser_reveal_password(actor=actor, instance=user) == STRONG
    event = AuditEvent.objects.get(action="sipuser.reveal_password")
    assert event.actor == actor and event.object_id == str(user.pk)


def test_set_password_updates_digests(actor, customer):
    user = services.sipuser_create(actor=actor, customer=customer, username="acme100", password=STRONG)
    old = user.ha1
    user = services.sipuser_set_password(actor=actor, instance=user, password="N3w-Secret-Phrase")
    assert user.ha1 != old and SIPUser.objects.get(pk=user.pk).password == "N3w-Secret-Phrase"


# Payments and the ledger


def test_only_complete_payments_count(actor, customer):
    services.payment_create(actor=actor, customer=customer, description="a", amount="100", status="complete")
    services.payment_create(actor=actor, customer=customer, description="b", amount="7", status="pending")
    services.payment_create(actor=actor, customer=customer, description="c", amount="9", status="failed")
    assert customer_balance(customer) == Decimal("100.0000")
    assert with_balance(Customer.objects.filter(pk=customer.pk)).get().balance == Decimal("100")


def test_status_changes_append_to_the_ledger(actor, customer):
    payment = services.payment_create(
        actor=actor, customer=customer, description="Top-up", amount="12.3456", status="pending"
    )
    assert customer_balance(customer) == 0
    services.payment_set_status(actor=actor, instance=payment, status=PaymentStatus.COMPLETE)
    assert customer_balance(customer) == Decimal("12.3456")
    services.payment_set_status(actor=actor, instance=payment, status=PaymentStatus.COMPLETE)
    assert LedgerEntry.objects.count() == 1
    services.payment_set_status(actor=actor, instance=payment, status=PaymentStatus.REFUNDED)
    assert customer_balance(customer) == 0
    assert list(LedgerEntry.objects.order_by("id").values_list("amount", flat=True)) == [
        Decimal("12.3456"),
        Decimal("-12.3456"),
    ]
    with pytest.raises(ValidationError) as exc:
        services.payment_set_status(actor=actor, instance=payment, status=PaymentStatus.COMPLETE)
    assert field_of(exc) == {"status"}


def test_call_charges_join_the_same_ledger(actor, customer):
    services.payment_create(actor=actor, customer=customer, description="a", amount="10", status="complete")
    LedgerEntry.objects.create(customer=customer, kind="charge", amount=Decimal("-2.5"), currency="GBP")
    assert customer_balance(customer) == Decimal("7.5")


@pytest.mark.parametrize(
    ("amount", "field"),
    [("-5", "amount"), ("0", "amount"), ("1.1234567", "amount"), ("abc", "amount"), ("1e20", "amount")],
)
def test_payment_bad_amounts(actor, customer, amount, field):
    with pytest.raises(ValidationError) as exc:
        services.payment_create(
            actor=actor, customer=customer, description="x", amount=amount, status="complete"
        )
    assert field_of(exc) == {field}
    assert customer_balance(customer) == 0


def test_payment_needs_description_and_valid_status(actor, customer):
    with pytest.raises(ValidationError) as exc:
        services.payment_create(actor=actor, customer=customer, description=" ", amount="1")
    assert field_of(exc) == {"description"}
    with pytest.raises(ValidationError) as exc:
        services.payment_create(actor=actor, customer=customer, description="x", amount="1", status="paid")
    assert field_of(exc) == {"status"}


def test_payment_takes_the_customer_currency_and_actor(actor, customer):
    payment = services.payment_create(actor=actor, customer=customer, description="x", amount="1")
    assert payment.currency == "GBP" and payment.actor == actor


# Contacts


def test_contact_phone_is_e164_and_email_unique(actor, customer):
    contact = services.contact_create(
        actor=actor, customer=customer, name="Ann", email="Ann@Example.com", phone="+44 20 7946 0958"
    )
    assert contact.phone == "+442079460958" and contact.email == "ann@example.com"
    with pytest.raises(ValidationError) as exc:
        services.contact_create(actor=actor, customer=customer, name="Ann B", email="ann@example.com")
    assert field_of(exc) == {"email"}
    with pytest.raises(ValidationError) as exc:
        services.contact_create(
            actor=actor, customer=customer, name="Bob", email="bob@example.com", phone="12"
        )
    assert field_of(exc) == {"phone"}
