"""Sign-up from a brand's Template Customer (the seeds' "$5.00 credit" example)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from customers import services as customer_services
from customers.models import Customer
from portal import selectors, services
from routing.models import IngressRoute
from tests.portal.factories import PortalDomainFactory
from tests.routing import factories as rf

pytestmark = pytest.mark.django_db


@pytest.fixture
def template(admin_user):
    template = rf.customer("Template", balance="0", debit_limit="10")
    template.channels, template.cps = 5, 2
    template.save()
    card = rf.card({"44": {"rate": "0.0100"}})
    IngressRoute.objects.create(customer=template, card=card, tech_prefix="77", max_duration=3600)
    customer_services.payment_create(
        actor=admin_user, customer=template, description="Welcome credit", amount="5.00", status="complete"
    )
    customer_services.payment_create(
        actor=admin_user, customer=template, description="Never paid", amount="9.00", status="pending"
    )
    return template


def sign_up(admin_user, brand, currency="USD"):
    return services.customer_signup(
        actor=None,
        domain=brand,
        name="New Caller Ltd",
        currency=currency,
        contact_name="Ann",
        contact_email="ann@newcaller.test",
    )


def test_signup_copies_fields_routes_and_the_five_dollar_credit(admin_user, template):
    brand = PortalDomainFactory(customer_signup=True, currencies=["USD", "EUR"], template_customer=template)
    customer = sign_up(admin_user, brand)
    assert (customer.debit_limit, customer.channels, customer.cps) == (Decimal("10"), 5, 2)
    route = IngressRoute.objects.get(customer=customer)
    assert (route.tech_prefix, route.max_duration) == ("77", 3600)
    assert [(p.description, p.amount, p.status) for p in customer.payments.all()] == [
        ("Welcome credit", Decimal("5.0000"), "complete")
    ]
    assert [c.email for c in customer.contacts.all()] == ["ann@newcaller.test"]
    assert selectors.customer_portal(customer=customer).domain == brand


def test_payments_in_another_currency_are_not_copied(admin_user, template):
    brand = PortalDomainFactory(customer_signup=True, currencies=["USD", "EUR"], template_customer=template)
    customer = sign_up(admin_user, brand, currency="EUR")
    assert not customer.payments.exists() and customer.currency == "EUR"


@pytest.mark.parametrize(
    ("brand_fields", "currency", "why"),
    [
        ({"customer_signup": False}, "USD", "not open"),
        ({"customer_signup": True, "currencies": ["EUR"]}, "USD", "EUR"),
    ],
)
def test_signup_refused_and_nothing_created(admin_user, brand_fields, currency, why):
    brand = PortalDomainFactory(**brand_fields)
    with pytest.raises(ValidationError) as caught:
        sign_up(admin_user, brand, currency=currency)
    assert why in str(caught.value)
    assert not Customer.objects.filter(name="New Caller Ltd").exists()
