"""Deliveries racing each other through a real server: the same event four times at once plus a
second event with the same fact, and a refund racing its completion, each booked exactly once."""

from decimal import Decimal

import httpx
import pytest

from customers.choices import PaymentStatus
from tests.security.http import at_once

from .helpers import balance, start

pytestmark = pytest.mark.django_db(transaction=True)


def sender(url, payload, headers):
    def send():
        return httpx.post(
            url, content=payload, headers={"Content-Type": "application/json", **headers}, timeout=30
        )

    return send


def test_parallel_duplicate_deliveries_book_once(live_server, stripe_fake, stripe_gateway, customer):
    online = start(stripe_gateway, customer, "10.00")
    url = f"{live_server.url}/webhooks/stripe/{stripe_gateway.pk}/"
    paid = stripe_fake.pay(online.provider_reference)
    same = stripe_fake.event("checkout.session.completed", paid)
    other = stripe_fake.event("checkout.session.async_payment_succeeded", paid)
    responses = at_once([sender(url, *same)] * 4 + [sender(url, *other)] * 2)
    assert [r.status_code for r in responses] == [200] * 6, responses
    outcomes = sorted(r.json()["outcome"] for r in responses)
    assert outcomes.count("booked") == 1, outcomes
    assert balance(customer) == Decimal("10.00")
    assert online.payment.ledger_entries.count() == 1


def test_refund_racing_its_completion_ends_at_zero(live_server, stripe_fake, stripe_gateway, customer):
    online = start(stripe_gateway, customer, "10.00")
    url = f"{live_server.url}/webhooks/stripe/{stripe_gateway.pk}/"
    completed = stripe_fake.event("checkout.session.completed", stripe_fake.pay(online.provider_reference))
    refunded = stripe_fake.event("charge.refunded", stripe_fake.charge_refunded(online.provider_reference))
    responses = at_once([sender(url, *completed), sender(url, *refunded), sender(url, *completed)])
    assert [r.status_code for r in responses] == [200, 200, 200], responses
    online.payment.refresh_from_db()
    assert online.payment.status == PaymentStatus.REFUNDED
    assert balance(customer) == 0
