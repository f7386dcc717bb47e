"""Make Payment on the customer portal: the gateways the brand and the customer allow, the limits,
the provider's page, back to a page that says Pending until the webhook books it once."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from customers.choices import PaymentStatus
from payments import services
from payments.models import OnlinePayment
from tests.portal.factories import VerifiedDomainFactory, portal_customer, portal_login

from .helpers import balance

pytestmark = pytest.mark.django_db

HOST = "pay.brand.test"


@pytest.fixture
def brand():
    return VerifiedDomainFactory(domain=HOST, brand_name="Pay Voice")


@pytest.fixture
def contact(client, brand, stripe_gateway, paypal_gateway):
    customer, user = portal_customer(brand, currency="USD")
    portal_login(client, user)
    return customer


def get(client, path, **params):
    return client.get(path, params, HTTP_HOST=HOST)


def post(client, path, data):
    return client.post(path, data, HTTP_HOST=HOST)


def test_make_payment_form_offers_the_allowed_gateways(client, contact, stripe_gateway, paypal_gateway):
    page = get(client, "/make-payment/").content.decode()
    for label in ("Pay via", "Amount", "Currency"):
        assert f">{label}</label>" in page, label
    assert 'value="USD"' in page and ">Stripe</option>" in page and ">PayPal</option>" in page
    assert "Make Payment" in get(client, "/dashboard/").content.decode()


@pytest.mark.parametrize(("feature", "gone"), [("block_stripe", "Stripe"), ("block_paypal", "PayPal")])
def test_block_features_remove_a_gateway(client, brand, stripe_gateway, paypal_gateway, feature, gone):
    _customer, user = portal_customer(brand, currency="USD", features={feature: "show"})
    portal_login(client, user)
    page = get(client, "/make-payment/").content.decode()
    assert f">{gone}</option>" not in page
    response = post(
        client,
        "/make-payment/",
        {"gateway": (stripe_gateway if gone == "Stripe" else paypal_gateway).pk, "amount": "10"},
    )
    assert response.status_code == 200 and not OnlinePayment.objects.exists()


def test_a_gateway_without_the_customers_currency_is_not_offered(
    client, brand, stripe_gateway, paypal_gateway
):
    _customer, user = portal_customer(brand, currency="EUR")  # Stripe takes EUR, PayPal only USD
    portal_login(client, user)
    page = get(client, "/make-payment/").content.decode()
    assert ">Stripe</option>" in page and ">PayPal</option>" not in page


def test_hidden_payments_feature_is_404(client, brand, stripe_gateway):
    _customer, user = portal_customer(brand, currency="USD", features={"payments": "hide"})
    portal_login(client, user)
    assert get(client, "/make-payment/").status_code == 404
    assert "Make Payment" not in get(client, "/dashboard/").content.decode()


def test_anonymous_is_sent_to_log_in(client, brand):
    response = get(client, "/make-payment/")
    assert response.status_code == 302 and response["Location"].startswith("/?next=")


def test_limits_and_bad_amounts_are_field_errors(client, contact, brand, stripe_gateway):
    services.payment_limit_set(actor=None, brand=brand, minimum_amount="10", maximum_amount="100")
    for amount, words in (
        ("9.99", "smallest payment is 10"),
        ("100.01", "largest payment is 100"),
        ("1.001", "at most 2 decimal places"),
        ("abc", "Enter a number"),
        ("-5", "greater than or equal"),
    ):
        response = post(client, "/make-payment/", {"gateway": stripe_gateway.pk, "amount": amount})
        assert response.status_code == 200, amount
        assert words in response.content.decode(), amount
    assert not OnlinePayment.objects.exists()
    contact.minimum_payment = Decimal("50")
    contact.save()
    response = post(client, "/make-payment/", {"gateway": stripe_gateway.pk, "amount": "20"})
    assert "smallest payment is 50" in response.content.decode()


def test_stripe_payment_round_trip(client, contact, stripe_fake, stripe_gateway):
    response = post(
        client, "/make-payment/", {"gateway": stripe_gateway.pk, "amount": "10.00", "currency": "GBP"}
    )
    online = OnlinePayment.objects.get()
    assert online.currency == "USD"  # the customer's, whatever is posted
    assert (
        response.status_code == 302
        and response["Location"] == f"/make-payment/{online.local_reference}/?go=1"
    )
    page = get(client, response["Location"]).content.decode()
    assert f'content="0;url={online.checkout_url}"' in page and "Continue to Stripe" in page
    session = stripe_fake.sessions[online.provider_reference]
    assert session["success_url"] == f"http://{HOST}/make-payment/{online.local_reference}/done/"
    done = get(client, f"/make-payment/{online.local_reference}/done/").content.decode()
    assert "Pending" in done and balance(contact) == 0
    payload, headers = stripe_fake.event(
        "checkout.session.completed", stripe_fake.pay(online.provider_reference)
    )
    client.post(
        reverse("webhooks:stripe", kwargs={"gateway_id": stripe_gateway.pk}),
        payload,
        content_type="application/json",
        headers=headers,
    )
    done = get(client, f"/make-payment/{online.local_reference}/done/").content.decode()
    assert re.search(r'id="payment-status">Complete<', done)
    assert balance(contact) == Decimal("10.00")


def test_paypal_return_captures_the_order(client, contact, paypal_fake, paypal_gateway):
    post(client, "/make-payment/", {"gateway": paypal_gateway.pk, "amount": "15"})
    online = OnlinePayment.objects.get()
    paypal_fake.approve(online.provider_reference)
    page = get(
        client, f"/make-payment/{online.local_reference}/done/", token=online.provider_reference
    ).content.decode()
    assert re.search(r'id="payment-status">Complete<', page)
    assert balance(contact) == Decimal("15.00")


def test_cancel_marks_the_payment_failed(client, contact, stripe_gateway):
    post(client, "/make-payment/", {"gateway": stripe_gateway.pk, "amount": "10"})
    online = OnlinePayment.objects.get()
    page = get(client, f"/make-payment/{online.local_reference}/cancel/").content.decode()
    assert "cancelled" in page
    online.payment.refresh_from_db()
    assert online.payment.status == PaymentStatus.FAILED


def test_another_customers_payment_is_404(client, brand, contact, stripe_gateway):
    other, _user = portal_customer(brand, currency="USD")
    from .helpers import start

    theirs = start(stripe_gateway, other)
    for suffix in ("", "done/", "cancel/"):
        assert get(client, f"/make-payment/{theirs.local_reference}/{suffix}").status_code == 404, suffix
    theirs.payment.refresh_from_db()
    assert theirs.payment.status == PaymentStatus.PENDING


def test_provider_refusal_is_a_form_error_and_the_payment_failed(client, contact, stripe_gateway, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens: Stripe unreachable
    response = post(client, "/make-payment/", {"gateway": stripe_gateway.pk, "amount": "10"})
    assert response.status_code == 200 and "Stripe did not start the payment" in response.content.decode()
    assert OnlinePayment.objects.get().payment.status == PaymentStatus.FAILED
    assert balance(contact) == 0


def test_panel_never_serves_make_payment(admin_client):
    assert admin_client.get("/make-payment/").status_code == 404
