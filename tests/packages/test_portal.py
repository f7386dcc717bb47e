"""A customer sees their own packages on the brand's portal when the brand shows "Packages"."""

import pytest

from packages.services import customer_package_assign
from portal.models import CustomerPortal
from tests.factories import AdminFactory, PackageFactory
from tests.portal.factories import VerifiedDomainFactory, portal_customer, portal_login

pytestmark = pytest.mark.django_db

HOST = "voice.brand.test"


@pytest.fixture
def brand():
    return VerifiedDomainFactory(domain=HOST, brand_name="Brand Voice")


def test_the_portal_lists_the_customers_own_packages_only(client, brand):
    admin = AdminFactory()
    mine, user = portal_customer(brand, currency="USD", features={"packages": "show"})
    other, _ = portal_customer(brand, currency="USD", features={"packages": "show"})
    customer_package_assign(actor=admin, customer=mine, package=PackageFactory(name="UK Bundle", retail=12))
    customer_package_assign(actor=admin, customer=other, package=PackageFactory(name="Other's Bundle"))
    portal_login(client, user)

    page = client.get("/packages/", HTTP_HOST=HOST).content.decode()
    assert "UK Bundle" in page and "12.00 USD" in page and "Next Billing Date" in page
    assert "Other&#x27;s Bundle" not in page and "Other's Bundle" not in page
    assert "Remove" not in page and "Removable From" not in page  # only staff remove packages
    assert ">Packages</a>" in client.get("/dashboard/", HTTP_HOST=HOST).content.decode()


def test_hidden_packages_feature_is_404(client, brand):
    customer, user = portal_customer(brand, currency="USD", features={"packages": "show"})
    portal_login(client, user)
    assert client.get("/packages/", HTTP_HOST=HOST).status_code == 200
    CustomerPortal.objects.filter(customer=customer).update(overrides={"packages": "hide"})
    assert client.get("/packages/", HTTP_HOST=HOST).status_code == 404
    assert ">Packages</a>" not in client.get("/dashboard/", HTTP_HOST=HOST).content.decode()
