import pytest

from customers.models import Customer
from portal.services import customer_portal_set
from tests.factories import CustomerFactory
from tests.fakes.paypal_server import FakePayPal
from tests.fakes.stripe_server import FakeStripe
from tests.portal.factories import VerifiedDomainFactory

from .helpers import PAYPAL_ID, PAYPAL_SECRET, STRIPE_SECRET, STRIPE_WEBHOOK_SECRET, make_paypal, make_stripe


@pytest.fixture(scope="session")
def stripe_fake():
    with FakeStripe(secret_key=STRIPE_SECRET, webhook_secret=STRIPE_WEBHOOK_SECRET) as fake:
        yield fake


@pytest.fixture(scope="session")
def paypal_fake():
    with FakePayPal(client_id=PAYPAL_ID, secret=PAYPAL_SECRET) as fake:
        yield fake


@pytest.fixture(autouse=True)
def provider_bases(settings, stripe_fake, paypal_fake):
    settings.STRIPE_API_BASE = stripe_fake.url
    settings.PAYPAL_API_BASE = paypal_fake.url
    settings.PAYMENT_PROVIDER_TIMEOUT = 5.0


@pytest.fixture
def brand(db):
    return VerifiedDomainFactory()


@pytest.fixture
def customer(brand) -> Customer:
    customer = CustomerFactory(currency="USD", portal_access=True)
    customer_portal_set(actor=None, customer=customer, domain=brand, overrides={})
    return customer


@pytest.fixture
def stripe_gateway(db):
    return make_stripe()


@pytest.fixture
def paypal_gateway(db):
    return make_paypal()
