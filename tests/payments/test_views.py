"""My Account > API and > Payments: the permission matrix, secrets never shown back and encrypted at
rest, Refresh against the provider fakes, Delete, limits per brand, and the payments list."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.choices import Area
from connexcs.models import AuditEvent
from payments.models import BrandPaymentLimit, PaymentGateway
from tests.factories import CustomerFactory
from tests.viewtests import ViewTestCases

from .helpers import PAYPAL_SECRET, STRIPE_SECRET, STRIPE_WEBHOOK_SECRET, make_paypal, make_stripe, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(stripe_gateway, brand):
    return {"gateway": stripe_gateway, "brand": brand}


class TestPaymentViews(ViewTestCases):
    area = Area.ACCOUNT
    other_area = Area.CUSTOMER
    read_only = {"payments:gateway_list", "payments:payment_list"}

    @pytest.fixture
    def pages(self, world):
        pk = world["gateway"].pk
        return [
            ("payments:gateway_list", {}, "get"),
            ("payments:payment_list", {}, "get"),
            ("payments:gateway_add", {"kind": "stripe"}, "get"),
            ("payments:gateway_add", {"kind": "paypal"}, "get"),
            ("payments:gateway_edit", {"pk": pk}, "get"),
            ("payments:gateway_delete", {"pk": pk}, "get"),
            ("payments:gateway_check", {"pk": pk}, "post"),
            ("payments:limit_edit", {"pk": world["brand"].pk}, "get"),
        ]


def raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def test_add_stripe_with_the_seed_words_and_secrets_encrypted(admin_client):
    page = admin_client.get(reverse("payments:gateway_add", kwargs={"kind": "stripe"})).content.decode()
    for label in ("Mode", "Public Key", "Private Key", "Webhook Secret", "Currencies"):
        assert re.search(rf">\s*{label}\s*<", page), label
    response = admin_client.post(
        reverse("payments:gateway_add", kwargs={"kind": "stripe"}),
        {
            "name": "Stripe",
            "mode": "live",
            "public_key": "pk_live_abc",
            "secret": STRIPE_SECRET,
            "webhook_secret": STRIPE_WEBHOOK_SECRET,
            "currencies": ["USD", "GBP"],
        },
    )
    assert response.status_code == 302
    gateway = PaymentGateway.objects.get()
    assert gateway.secret == STRIPE_SECRET and gateway.currencies == ["USD", "GBP"]
    stored = raw("SELECT secret || webhook_secret FROM payments_paymentgateway WHERE id = %s", [gateway.pk])
    assert STRIPE_SECRET not in stored and STRIPE_WEBHOOK_SECRET not in stored
    edit = admin_client.get(reverse("payments:gateway_edit", kwargs={"pk": gateway.pk})).content.decode()
    assert STRIPE_SECRET not in edit and STRIPE_WEBHOOK_SECRET not in edit
    assert "pk_live_abc" in edit and f"/webhooks/stripe/{gateway.pk}/" in edit
    listing = admin_client.get(reverse("payments:gateway_list")).content.decode()
    assert STRIPE_SECRET not in listing and "Stripe" in listing
    audit = AuditEvent.objects.get(action="payment_gateway.create")
    assert STRIPE_SECRET not in str(audit.after) and audit.after["secret"] == "********"


def test_add_paypal_words_and_errors_by_field(admin_client):
    url = reverse("payments:gateway_add", kwargs={"kind": "paypal"})
    page = admin_client.get(url).content.decode()
    for label in ("Mode", "Client ID", "Secret", "Currencies"):
        assert re.search(rf">\s*{label}\s*<", page), label
    assert "Webhook Secret" not in page
    response = admin_client.post(url, {"mode": "sandbox", "public_key": "", "secret": "", "currencies": []})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"public_key", "secret", "currencies"} <= set(errors)
    assert not PaymentGateway.objects.exists()
    assert admin_client.get(reverse("payments:gateway_add", kwargs={"kind": "bitcoin"})).status_code == 404


def test_edit_keeps_secrets_when_left_blank_and_replaces_them_when_given(admin_client):
    gateway = make_paypal()
    url = reverse("payments:gateway_edit", kwargs={"pk": gateway.pk})
    data = {"name": "PayPal main", "mode": "live", "public_key": "NewClientId", "currencies": ["USD", "EUR"]}
    assert admin_client.post(url, {**data, "secret": ""}).status_code == 302
    gateway.refresh_from_db()
    assert gateway.secret == PAYPAL_SECRET and gateway.name == "PayPal main" and gateway.mode == "live"
    admin_client.post(url, {**data, "secret": "another-secret"})
    gateway.refresh_from_db()
    assert gateway.secret == "another-secret"


def test_refresh_checks_the_credentials_against_the_provider(admin_client, stripe_fake, paypal_fake):
    stripe_gateway, paypal_gateway = make_stripe(), make_paypal()
    wrong = make_stripe(name="Wrong", secret="sk_test_wrong")
    wrong_paypal = make_paypal(name="Wrong PayPal", secret="nope")
    for gateway, status in (
        (stripe_gateway, "ok"),
        (paypal_gateway, "ok"),
        (wrong, "failed"),
        (wrong_paypal, "failed"),
    ):
        response = admin_client.post(
            reverse("payments:gateway_check", kwargs={"pk": gateway.pk}), follow=True
        )
        gateway.refresh_from_db()
        assert gateway.check_status == status, (gateway.name, gateway.check_message)
        assert gateway.check_message in response.content.decode()
    wrong.refresh_from_db()
    assert wrong.check_message == "Stripe refused the Private Key."
    assert "sk_test_wrong" not in wrong.check_message


def test_delete_refused_once_payments_exist(admin_client, stripe_gateway, customer):
    unused = make_paypal()
    admin_client.post(reverse("payments:gateway_delete", kwargs={"pk": unused.pk}))
    assert not PaymentGateway.objects.filter(pk=unused.pk).exists()
    start(stripe_gateway, customer)
    response = admin_client.post(
        reverse("payments:gateway_delete", kwargs={"pk": stripe_gateway.pk}), follow=True
    )
    assert PaymentGateway.objects.filter(pk=stripe_gateway.pk).exists()
    assert "cannot be deleted" in response.content.decode()


def test_limits_per_brand(admin_client, brand):
    url = reverse("payments:limit_edit", kwargs={"pk": brand.pk})
    assert admin_client.post(url, {"minimum_amount": "20", "maximum_amount": "10"}).status_code == 200
    assert not BrandPaymentLimit.objects.exists()
    assert admin_client.post(url, {"minimum_amount": "20", "maximum_amount": "500"}).status_code == 302
    limit = BrandPaymentLimit.objects.get(brand=brand)
    assert (limit.minimum_amount, limit.maximum_amount) == (Decimal("20"), Decimal("500"))
    assert "500.0000" in admin_client.get(reverse("payments:gateway_list")).content.decode()


def test_payments_list_filters_and_constant_queries(admin_client, stripe_gateway, brand):
    from portal.services import customer_portal_set

    def add(n):
        for _ in range(n):
            customer = CustomerFactory(currency="USD")
            customer_portal_set(actor=None, customer=customer, domain=brand, overrides={})
            start(stripe_gateway, customer)

    url = reverse("payments:payment_list")
    add(2)
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(url).status_code == 200
    add(8)
    with CaptureQueriesContext(connection) as more:
        response = admin_client.get(url)
    assert len(more) == len(few)
    assert len(response.context["table"].rows) == 10
    page = response.content.decode()
    assert "Provider Reference" in page and "cs_test_" in page and "Pending" in page
    assert len(admin_client.get(url, {"status": "complete"}).context["table"].rows) == 0
    assert len(admin_client.get(url, {"kind": "paypal"}).context["table"].rows) == 0
    assert len(admin_client.get(url, {"status": "pending", "kind": "stripe"}).context["table"].rows) == 10
