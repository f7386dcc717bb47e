"""Sign-up on the brand's domain: email verification, then a customer from the Template Customer
with the seeds' "$5.00 credit", logged straight in."""

import re

import pytest
from django.core import mail

from customers.models import Customer
from portal.models import PortalUser
from tests.portal.factories import VerifiedDomainFactory
from tests.portal.test_signup import template  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db
HOST = "signup.brand.test"
FORM = {
    "company": "New Caller Ltd",
    "name": "Ann Caller",
    "email": "Ann@NewCaller.test",
    "currency": "USD",
    "password": "Strong-signup-77",
}


@pytest.fixture
def brand(template):  # noqa: F811
    return VerifiedDomainFactory(
        domain=HOST,
        brand_name="Signup Tel",
        customer_signup=True,
        currencies=["USD"],
        template_customer=template,
    )


def _verify_path() -> str:
    return re.search(rf"http://{re.escape(HOST)}(/signup/verify/\S+/)", mail.outbox[-1].body).group(1)


def test_signup_verifies_the_address_then_opens_the_account_with_five_dollars(client, brand):
    assert "Sign up" in client.get("/", HTTP_HOST=HOST).content.decode()
    response = client.post("/signup/", FORM, HTTP_HOST=HOST)
    assert response.status_code == 302 and not Customer.objects.filter(name="New Caller Ltd").exists()
    assert mail.outbox[-1].to == ["ann@newcaller.test"]
    path = _verify_path()
    assert "Confirm" in client.get(path, HTTP_HOST=HOST).content.decode()  # GET changes nothing
    assert not Customer.objects.filter(name="New Caller Ltd").exists()
    opened = client.post(path, HTTP_HOST=HOST)
    assert opened.status_code == 302
    customer = Customer.objects.get(name="New Caller Ltd")
    user = PortalUser.objects.get(contact__customer=customer)
    assert user.email == "ann@newcaller.test" and user.domain == brand
    dashboard = client.get("/dashboard/", HTTP_HOST=HOST).content.decode()
    assert "5.00 USD" in dashboard
    # The link is used up; the password chosen at sign-up logs in.
    again = client.post(path, HTTP_HOST=HOST)
    assert (
        "already confirmed" in again.content.decode()
        and Customer.objects.filter(name="New Caller Ltd").count() == 1
    )
    fresh = type(client)()
    assert (
        fresh.post("/", {"email": FORM["email"], "password": FORM["password"]}, HTTP_HOST=HOST).status_code
        == 302
    )


def test_forged_or_foreign_signup_link_opens_nothing(client, brand):
    client.post("/signup/", FORM, HTTP_HOST=HOST)
    path = _verify_path()
    forged = path.replace("/signup/verify/", "/signup/verify/x")
    assert "not valid" in client.post(forged, HTTP_HOST=HOST).content.decode()
    VerifiedDomainFactory(domain="other.brand.test", customer_signup=True)
    assert "another portal" in client.post(path, HTTP_HOST="other.brand.test").content.decode()
    assert not Customer.objects.filter(name="New Caller Ltd").exists()


def test_signup_closed_is_404_and_bad_input_gets_field_errors(client, brand):
    response = client.post("/signup/", {**FORM, "password": "123", "company": ""}, HTTP_HOST=HOST)
    html = response.content.decode()
    assert response.status_code == 200 and "This field is required" in html
    response = client.post("/signup/", {**FORM, "password": "123"}, HTTP_HOST=HOST)
    assert "too short" in response.content.decode() and mail.outbox == []
    brand.customer_signup = False
    brand.save()
    assert client.get("/signup/", HTTP_HOST=HOST).status_code == 404
    assert "Sign up" not in client.get("/", HTTP_HOST=HOST).content.decode()
