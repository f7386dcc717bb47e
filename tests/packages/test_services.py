"""The catalogue's bad input, assigning (setup charge, audit), removing inside Minimum Days, sign-up copy."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from connexcs.choices import AuditAction
from connexcs.models import AuditEvent
from customers.selectors import customer_balance
from packages import services
from packages.models import CustomerPackage, PackageCharge
from portal import services as portal_services
from tests.factories import AdminFactory, CustomerFactory, PackageFactory
from tests.portal.factories import PortalDomainFactory

pytestmark = pytest.mark.django_db


def create(**values):
    values.setdefault("name", "Bundle")
    return services.package_create(actor=AdminFactory(), **values)


def errors_of(**values) -> dict:
    with pytest.raises(ValidationError) as caught:
        create(**values)
    return caught.value.message_dict


def test_negative_prices_are_field_errors():
    errors = errors_of(cost=Decimal("-1"), retail=Decimal("-0.01"), setup_cost=0, setup_retail=Decimal("-5"))
    assert set(errors) == {"cost", "retail", "setup_retail"}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"frequency": "monthly", "frequency_match": [0, 15]}, "frequency_match"),
        ({"frequency": "monthly", "frequency_match": [32]}, "frequency_match"),
        ({"frequency": "weekly", "frequency_match": [8]}, "frequency_match"),
        ({"frequency": "daily", "frequency_match": [1]}, "frequency_match"),
        ({"type": "free_minutes", "destinations": "", "free_minutes": 10}, "destinations"),
        ({"type": "free_minutes", "destinations": "^44", "free_minutes": 0}, "free_minutes"),
        # Back-references need a backtracking engine: not linear-time, refused.
        ({"type": "free_minutes", "destinations": r"^(44)\1", "free_minutes": 5}, "destinations"),
        ({"type": "free_minutes", "destinations": "^(44", "free_minutes": 5}, "destinations"),
        ({"name": "   "}, "name"),
    ],
)
def test_bad_input_names_the_field(values, field):
    assert field in errors_of(**values)


def test_day_31_is_accepted_and_the_name_is_unique():
    package = create(frequency="monthly", frequency_match=[31, 15, 15])
    assert package.frequency_match == [15, 31]
    assert "name" in errors_of(name="bundle")


def test_assigning_charges_setup_retail_once_and_audits():
    customer = CustomerFactory(currency="GBP")
    package = PackageFactory(name="PBX", setup_retail="30", retail="10")
    assignment = services.customer_package_assign(actor=AdminFactory(), customer=customer, package=package)
    assert customer_balance(customer) == Decimal("-30")
    charge = PackageCharge.objects.get()
    assert (charge.kind, charge.amount, charge.currency) == ("setup", Decimal("30.0000"), "GBP")
    assert charge.ledger_entry.description == "PBX: setup"
    assert AuditEvent.objects.filter(action=AuditAction.PACKAGE_ASSIGN, object_id=str(assignment.pk)).exists()
    with pytest.raises(ValidationError) as caught:
        services.customer_package_assign(actor=AdminFactory(), customer=customer, package=package)
    assert "package" in caught.value.message_dict
    assert customer_balance(customer) == Decimal("-30")


def test_a_disabled_package_cannot_be_assigned():
    with pytest.raises(ValidationError):
        services.customer_package_assign(
            actor=AdminFactory(), customer=CustomerFactory(), package=PackageFactory(enabled=False)
        )


def test_removal_inside_minimum_days_is_refused_with_the_date():
    package = PackageFactory(name="Rental", minimum_days=30)
    with time_machine.travel(dt.datetime(2028, 2, 10, 9, tzinfo=dt.UTC), tick=False):
        assignment = services.customer_package_assign(
            actor=AdminFactory(), customer=CustomerFactory(), package=package
        )
    with (
        time_machine.travel(dt.datetime(2028, 3, 10, 9, tzinfo=dt.UTC), tick=False),
        pytest.raises(ValidationError) as caught,
    ):
        services.customer_package_remove(actor=AdminFactory(), instance=assignment)
    assert "it can be removed from 2028-03-11" in caught.value.messages[0]
    with time_machine.travel(dt.datetime(2028, 3, 11, 9, tzinfo=dt.UTC), tick=False):
        services.customer_package_remove(actor=AdminFactory(), instance=assignment)
    assignment.refresh_from_db()
    assert assignment.removed_at is not None
    # Held again later: a new assignment, a new setup charge.
    services.customer_package_assign(actor=AdminFactory(), customer=assignment.customer, package=package)
    assert CustomerPackage.objects.filter(customer=assignment.customer).count() == 2


def test_a_package_customers_held_cannot_be_deleted():
    package = PackageFactory()
    services.customer_package_assign(actor=AdminFactory(), customer=CustomerFactory(), package=package)
    with pytest.raises(ValidationError):
        services.package_delete(actor=AdminFactory(), instance=package)
    unused = PackageFactory()
    services.package_delete(actor=AdminFactory(), instance=unused)


def test_sign_up_copies_the_template_customers_packages():
    admin = AdminFactory()
    template = CustomerFactory(name="Template")
    held = PackageFactory(name="Starter", setup_retail="2")
    removed = PackageFactory(name="Old")
    services.customer_package_assign(actor=admin, customer=template, package=held)
    old = services.customer_package_assign(actor=admin, customer=template, package=removed)
    services.customer_package_remove(actor=admin, instance=old)
    brand = PortalDomainFactory(customer_signup=True, currencies=["USD"], template_customer=template)
    customer = portal_services.customer_signup(
        actor=None, domain=brand, name="New Ltd", currency="USD", contact_name="Ann", contact_email="a@n.test"
    )
    assert [a.package.name for a in CustomerPackage.objects.filter(customer=customer)] == ["Starter"]
    assert customer_balance(customer) == Decimal("-2")
