"""Stripe and PayPal faked at their HTTP boundary (tests/fakes/): a payment is booked once whatever
the order or number of webhook deliveries; a forged webhook gets a 400 and books nothing."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from connexcs.models import AuditEvent
from customers.choices import PaymentStatus
from payments.models import OnlinePayment, ProviderEvent

from .helpers import balance, start

pytestmark = pytest.mark.django_db


def deliver(client, gateway, payload, headers):
    kind = gateway.kind
    return client.post(
        reverse(f"webhooks:{kind}", kwargs={"gateway_id": gateway.pk}),
        data=payload,
        content_type="application/json",
        headers=headers,
    )


def status_of(online):
    online.payment.refresh_from_db()
    return online.payment.status


# --- Stripe --------------------------------------------------------------------------------------


def test_stripe_checkout_creates_a_pending_payment_and_the_session(stripe_fake, stripe_gateway, customer):
    online = start(stripe_gateway, customer, "10.00")
    session = stripe_fake.sessions[online.provider_reference]
    assert session["amount_total"] == 1000 and session["currency"] == "usd"
    assert session["metadata"]["online_payment"] == str(online.local_reference)
    assert online.checkout_url == f"{stripe_fake.url}/pay/{online.provider_reference}"
    assert status_of(online) == PaymentStatus.PENDING
    assert balance(customer) == 0


def test_stripe_completed_books_once_with_duplicates(client, stripe_fake, stripe_gateway, customer):
    online = start(stripe_gateway, customer, "10.00")
    payload, headers = stripe_fake.event(
        "checkout.session.completed", stripe_fake.pay(online.provider_reference)
    )
    answers = [deliver(client, stripe_gateway, payload, headers) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.json()["outcome"] for a in answers] == ["booked", "duplicate", "duplicate"]
    # The same fact in a new event (Stripe sends ..._succeeded too): still once.
    again, headers2 = stripe_fake.event(
        "checkout.session.async_payment_succeeded", stripe_fake.sessions[online.provider_reference]
    )
    assert deliver(client, stripe_gateway, again, headers2).json()["outcome"] == "already complete"
    assert balance(customer) == Decimal("10.00")
    assert status_of(online) == PaymentStatus.COMPLETE
    online.refresh_from_db()
    assert online.fee == Decimal("0.59")  # the fake's 2.9% + 0.30, read from the balance transaction
    assert online.payment.ledger_entries.count() == 1


def test_stripe_forged_signature_is_refused_and_books_nothing(client, stripe_fake, stripe_gateway, customer):
    online = start(stripe_gateway, customer, "10.00")
    paid = stripe_fake.pay(online.provider_reference)
    forged, headers = stripe_fake.event("checkout.session.completed", paid, secret="whsec_attacker")
    assert deliver(client, stripe_gateway, forged, headers).status_code == 400
    genuine, good_headers = stripe_fake.event("checkout.session.completed", paid)
    tampered = genuine.replace(b'"amount_total": 1000', b'"amount_total": 999999')
    assert deliver(client, stripe_gateway, tampered, good_headers).status_code == 400
    assert deliver(client, stripe_gateway, genuine, {}).status_code == 400  # no signature at all
    stale, _ = stripe_fake.event("checkout.session.completed", paid)
    from tests.fakes.stripe_server import sign

    old = sign(stale, stripe_fake.webhook_secret, timestamp=1_600_000_000)
    assert deliver(client, stripe_gateway, stale, {"Stripe-Signature": old}).status_code == 400
    assert balance(customer) == 0
    assert status_of(online) == PaymentStatus.PENDING
    assert not ProviderEvent.objects.exists()


def test_stripe_reordered_refund_before_completion_books_nothing(
    client, stripe_fake, stripe_gateway, customer
):
    online = start(stripe_gateway, customer, "10.00")
    completed = stripe_fake.event("checkout.session.completed", stripe_fake.pay(online.provider_reference))
    refunded = stripe_fake.event("charge.refunded", stripe_fake.charge_refunded(online.provider_reference))
    assert deliver(client, stripe_gateway, *refunded).json()["outcome"] == "refunded"
    assert deliver(client, stripe_gateway, *completed).json()["outcome"] == "already refunded"
    assert balance(customer) == 0
    assert status_of(online) == PaymentStatus.REFUNDED


def test_stripe_refund_reverses_the_ledger_entry(client, stripe_fake, stripe_gateway, customer):
    online = start(stripe_gateway, customer, "25.50")
    deliver(
        client,
        stripe_gateway,
        *stripe_fake.event("checkout.session.completed", stripe_fake.pay(online.provider_reference)),
    )
    assert balance(customer) == Decimal("25.50")
    partial = stripe_fake.event(
        "charge.refunded", stripe_fake.charge_refunded(online.provider_reference, full=False)
    )
    assert deliver(client, stripe_gateway, *partial).json()["outcome"] == "partial refund: not booked"
    full = stripe_fake.event("charge.refunded", stripe_fake.charge_refunded(online.provider_reference))
    for _ in range(2):
        deliver(client, stripe_gateway, *full)
    assert balance(customer) == 0
    amounts = sorted(online.payment.ledger_entries.values_list("amount", flat=True))
    assert amounts == [Decimal("-25.50"), Decimal("25.50")]
    assert AuditEvent.objects.filter(action="online_payment.refund").count() == 1


def test_stripe_expired_session_fails_the_payment(client, stripe_fake, stripe_gateway, customer):
    online = start(stripe_gateway, customer, "10.00")
    session = dict(stripe_fake.sessions[online.provider_reference], status="expired")
    assert (
        deliver(client, stripe_gateway, *stripe_fake.event("checkout.session.expired", session)).status_code
        == 200
    )
    assert status_of(online) == PaymentStatus.FAILED
    # A late completion (the customer paid after all) still books it, once.
    paid = stripe_fake.event("checkout.session.completed", stripe_fake.pay(online.provider_reference))
    assert deliver(client, stripe_gateway, *paid).json()["outcome"] == "booked"
    assert balance(customer) == Decimal("10.00")


def test_stripe_unpaid_completion_waits(client, stripe_fake, stripe_gateway, customer):
    online = start(stripe_gateway, customer, "10.00")
    session = stripe_fake.sessions[online.provider_reference]  # payment_status "unpaid" (bank debit)
    assert deliver(
        client, stripe_gateway, *stripe_fake.event("checkout.session.completed", dict(session))
    ).json() == {"outcome": "waiting for the payment"}
    assert balance(customer) == 0


def test_stripe_amount_mismatch_is_not_booked(client, stripe_fake, stripe_gateway, customer):
    online = start(stripe_gateway, customer, "10.00")
    paid = dict(stripe_fake.pay(online.provider_reference), amount_total=100)
    outcome = deliver(client, stripe_gateway, *stripe_fake.event("checkout.session.completed", paid)).json()[
        "outcome"
    ]
    assert "differs" in outcome
    assert balance(customer) == 0


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"[]", b'{"id": "evt_1"}', b'{"id": "evt_1", "data": []}', b"\xff\xfe", b"{" * 5000],
)
def test_stripe_garbage_is_400_never_500(client, stripe_fake, stripe_gateway, body):
    from tests.fakes.stripe_server import sign

    for headers in (
        {},
        {"Stripe-Signature": "garbage"},
        {"Stripe-Signature": sign(body, stripe_fake.webhook_secret)},
    ):
        response = deliver(client, stripe_gateway, body, headers)
        assert response.status_code == 400, (body[:20], headers)


def test_stripe_unknown_event_types_are_ignored_with_200(client, stripe_fake, stripe_gateway):
    response = deliver(client, stripe_gateway, *stripe_fake.event("customer.created", {"id": "cus_1"}))
    assert response.status_code == 200 and response.json() == {"outcome": "ignored"}


def test_webhook_size_limit_and_methods(client, settings, stripe_fake, stripe_gateway):
    settings.WEBHOOK_MAX_BYTES = 1000
    payload, headers = stripe_fake.event("customer.created", {"id": "cus_1", "pad": "x" * 2000})
    assert deliver(client, stripe_gateway, payload, headers).status_code == 413
    url = reverse("webhooks:stripe", kwargs={"gateway_id": stripe_gateway.pk})
    assert client.get(url).status_code == 405
    assert (
        client.post(
            reverse("webhooks:stripe", kwargs={"gateway_id": 999999}),
            data=b"{}",
            content_type="application/json",
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("webhooks:paypal", kwargs={"gateway_id": stripe_gateway.pk}),
            data=b"{}",
            content_type="application/json",
        ).status_code
        == 404
    )


def test_stripe_event_for_another_gateway_secret_is_refused(client, stripe_fake, stripe_gateway, customer):
    from .helpers import make_stripe

    other = make_stripe(name="Stripe EU", webhook_secret="whsec_other")
    online = start(stripe_gateway, customer, "10.00")
    payload, headers = stripe_fake.event(
        "checkout.session.completed", stripe_fake.pay(online.provider_reference)
    )
    assert deliver(client, other, payload, headers).status_code == 400
    assert balance(customer) == 0


# --- PayPal --------------------------------------------------------------------------------------


def test_paypal_order_approved_webhook_captures_and_books_once(client, paypal_fake, paypal_gateway, customer):
    online = start(paypal_gateway, customer, "12.34")
    order = paypal_fake.orders[online.provider_reference]
    assert order["purchase_units"][0]["amount"] == {"currency_code": "USD", "value": "12.34"}
    assert online.checkout_url.startswith(f"{paypal_fake.url}/checkoutnow?token=")
    approved = paypal_fake.event("CHECKOUT.ORDER.APPROVED", paypal_fake.approve(online.provider_reference))
    answers = [deliver(client, paypal_gateway, *approved) for _ in range(2)]
    assert [a.json()["outcome"] for a in answers] == ["booked", "duplicate"]
    capture = paypal_fake.orders[online.provider_reference]["purchase_units"][0]["payments"]["captures"][0]
    completed = paypal_fake.event("PAYMENT.CAPTURE.COMPLETED", capture)
    assert deliver(client, paypal_gateway, *completed).json()["outcome"] == "already complete"
    assert balance(customer) == Decimal("12.34")
    online.refresh_from_db()
    assert online.fee == Decimal("0.64") and online.provider_payment_id == capture["id"]


def test_paypal_forged_completion_is_400_and_books_nothing(client, paypal_fake, paypal_gateway, customer):
    online = start(paypal_gateway, customer, "10.00")
    # Claims the order was paid, but PayPal's API says it was never approved or captured.
    forged_capture = {
        "id": "CAPFORGED",
        "status": "COMPLETED",
        "amount": {"currency_code": "USD", "value": "10.00"},
        "supplementary_data": {"related_ids": {"order_id": online.provider_reference}},
    }
    assert (
        deliver(
            client, paypal_gateway, *paypal_fake.event("PAYMENT.CAPTURE.COMPLETED", forged_capture)
        ).status_code
        == 400
    )
    forged_approval = {"id": online.provider_reference, "status": "APPROVED"}
    assert (
        deliver(
            client, paypal_gateway, *paypal_fake.event("CHECKOUT.ORDER.APPROVED", forged_approval)
        ).status_code
        == 400
    )
    forged_refund = paypal_fake.event("PAYMENT.CAPTURE.REVERSED", {"id": "CAPFORGED"})
    assert deliver(client, paypal_gateway, *forged_refund).json()["outcome"] == "not ours"
    assert balance(customer) == 0
    assert status_of(online) == PaymentStatus.PENDING


def test_paypal_refund_after_completion_reverses(client, paypal_fake, paypal_gateway, customer):
    online = start(paypal_gateway, customer, "10.00")
    deliver(
        client,
        paypal_gateway,
        *paypal_fake.event("CHECKOUT.ORDER.APPROVED", paypal_fake.approve(online.provider_reference)),
    )
    online.refresh_from_db()
    # Claimed before PayPal has refunded anything: refused.
    early = paypal_fake.event("PAYMENT.CAPTURE.REVERSED", {"id": online.provider_payment_id})
    assert deliver(client, paypal_gateway, *early).status_code == 400
    assert balance(customer) == Decimal("10.00")
    refunded = paypal_fake.event("PAYMENT.CAPTURE.REFUNDED", paypal_fake.refund(online.provider_payment_id))
    assert [deliver(client, paypal_gateway, *refunded).json()["outcome"] for _ in range(2)] == [
        "refunded",
        "duplicate",
    ]
    assert balance(customer) == 0
    assert status_of(online) == PaymentStatus.REFUNDED


@pytest.mark.parametrize("body", [b"", b"nope", b"[]", b'{"id": "WH-1"}', b'{"id": "WH-1", "resource": 5}'])
def test_paypal_garbage_is_400(client, paypal_gateway, body):
    assert deliver(client, paypal_gateway, body, {}).status_code == 400


def test_paypal_unknown_event_ignored(client, paypal_fake, paypal_gateway):
    response = deliver(client, paypal_gateway, *paypal_fake.event("BILLING.PLAN.CREATED", {"id": "P-1"}))
    assert response.status_code == 200 and response.json() == {"outcome": "ignored"}


def test_paypal_return_captures(paypal_fake, paypal_gateway, customer):
    from payments import services

    online = start(paypal_gateway, customer, "10.00")
    assert services.payment_return(online=online).payment.status == PaymentStatus.PENDING  # not approved
    paypal_fake.approve(online.provider_reference)
    assert services.payment_return(online=online).payment.status == PaymentStatus.COMPLETE
    assert services.payment_return(online=online).payment.status == PaymentStatus.COMPLETE
    assert balance(customer) == Decimal("10.00")


def test_provider_events_are_recorded_with_their_outcome(client, stripe_fake, stripe_gateway, customer):
    online = start(stripe_gateway, customer, "10.00")
    payload, headers = stripe_fake.event(
        "checkout.session.completed", stripe_fake.pay(online.provider_reference)
    )
    deliver(client, stripe_gateway, payload, headers)
    event = ProviderEvent.objects.get()
    assert event.event_id == json.loads(payload)["id"] and event.outcome == "booked"
    assert OnlinePayment.objects.get().payment.status == PaymentStatus.COMPLETE
