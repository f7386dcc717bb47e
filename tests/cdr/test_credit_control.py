"""Credit control: charges reach the routing engine's balances within 2 s, a customer at the limit is
refused on the next call, a negative debit limit is a pre-pay buffer, Max Duration follows the credit."""

import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cdr.ingest import ingest
from customers import services as customer_services
from routing.api import credit_max_duration
from routing.engine import Engine
from tests.factories import AdminFactory
from tests.routing import factories as f

pytestmark = pytest.mark.django_db(transaction=True)
IP = "198.51.100.7"
NUMBER = "442071234567"
BOUND = 2.0  # the promise: the balance the engine sees drops within this many seconds
D = Decimal


def world(*, balance="10", debit_limit="0", rate="0.60", mcd=1, pulse=1, max_duration=7200):
    carrier = f.carrier("Cheap")
    card = f.card(
        {"44": {"rate": rate, "mcd": mcd, "pulse": pulse, "providers": [f.provider(carrier, "0.01", "44")]}}
    )
    customer = f.customer("Acme", balance=balance, debit_limit=debit_limit)
    f.ip_auth(customer, IP)
    route = f.route(customer, card, max_duration=max_duration)
    return customer, route, carrier


def call(customer, route, carrier, call_id, talk) -> dict:
    start = datetime.now(UTC) - timedelta(minutes=5)
    return {
        "call_id": call_id,
        "customer_id": customer.pk,
        "route_id": route.pk,
        "carrier_id": carrier.pk,
        "number": NUMBER,
        "rate": "0.60",
        "cost": "0.01",
        "start": start.isoformat(),
        "answer": start.isoformat(),
        "end": (start + timedelta(seconds=talk)).isoformat(),
        "sip_code": 200,
    }


def balance_seen(engine: Engine, customer) -> Decimal:
    return engine.snapshot().customers[customer.pk].balance


def test_a_charge_reaches_the_engine_within_two_seconds_and_the_limit_refuses_the_next_call():
    customer, route, carrier = world(balance="1.00")
    engine = Engine(background=True)
    assert engine.route(source_ip=IP, number=NUMBER).code == 200
    assert balance_seen(engine, customer) == D("1.00")
    # 100 s at 0.60/min is exactly the 1.00 left: the balance reaches the limit (0).
    assert ingest(actor=None, items=[call(customer, route, carrier, "a", 100)]).created == 1
    charged = time.monotonic()
    seen = []
    while time.monotonic() - charged < BOUND + 0.5:
        seen.append((time.monotonic() - charged, balance_seen(engine, customer)))
        time.sleep(0.05)
    assert all(b == D("0") for after, b in seen if after > BOUND)
    decision = engine.route(source_ip=IP, number=NUMBER)
    assert (decision.code, decision.reason) == (403, "Out of balance")


def test_negative_debit_limit_is_a_prepay_buffer():
    customer, route, carrier = world(balance="6.00")
    admin = AdminFactory()
    customer_services.customer_update(actor=admin, instance=customer, debit_limit=D("-5.00"))
    customer.refresh_from_db()
    assert customer.debit_limit == D("-5.00")
    engine = Engine(background=False)
    decision = engine.route(source_ip=IP, number=NUMBER)
    assert decision.code == 200
    # 1.00 above the buffer buys 100 s at 0.60/min.
    assert credit_max_duration(decision) == 100
    ingest(actor=None, items=[call(customer, route, carrier, "b", 60)])  # 0.60: 5.40 left, 0.40 usable
    time.sleep(BOUND)
    decision = engine.route(source_ip=IP, number=NUMBER)
    assert decision.code == 200 and credit_max_duration(decision) == 40
    ingest(actor=None, items=[call(customer, route, carrier, "c", 40)])  # 0.40: at the buffer
    time.sleep(BOUND)
    assert engine.route(source_ip=IP, number=NUMBER).reason == "Out of balance"


def test_debit_limit_is_still_a_number_with_at_most_four_places():
    customer, *_ = world()
    with pytest.raises(ValidationError):
        customer_services.customer_update(actor=AdminFactory(), instance=customer, debit_limit=D("-1.00001"))


def test_max_duration_is_capped_by_credit_but_never_below_the_mcd():
    world(balance="0.01", rate="0.60", mcd=60, pulse=60, max_duration=3600)
    decision = Engine(background=False).route(source_ip=IP, number=NUMBER)
    assert decision.code == 200 and credit_max_duration(decision) == 60  # the MCD, not 1 s
