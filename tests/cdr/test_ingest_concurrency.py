"""Batches ingested at the same time (two gunicorn workers): a call id replayed concurrently is stored
and charged once, and batches of overlapping customers in opposite orders do not deadlock."""

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from cdr.ingest import ingest
from cdr.models import Cdr, CdrCallId, CdrHourly
from customers.models import LedgerEntry
from routing.engine import engine
from tests.routing import factories as f

START = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)


@pytest.fixture
def world(settings):
    settings.ROUTING_BACKGROUND_RELOAD = False
    carrier = f.carrier("Cheap")
    card = f.card(
        {"44": {"rate": "0.0600", "mcd": 1, "pulse": 1, "providers": [f.provider(carrier, "0.01", "44")]}}
    )
    customers = [f.customer(f"Customer {i}", balance="100") for i in range(4)]
    routes = [f.route(c, card) for c in customers]
    engine.reset()
    yield list(zip(customers, routes, strict=True))
    engine.reset()


def item(customer, route, call_id: str, talk: int = 60) -> dict:
    answer = START + timedelta(seconds=2)
    return {
        "call_id": call_id,
        "customer_id": customer.pk,
        "route_id": route.pk,
        "number": "442071234567",
        "rate": "0.0600",
        "start": START.isoformat(),
        "answer": answer.isoformat(),
        "end": (answer + timedelta(seconds=talk)).isoformat(),
        "sip_code": 200,
    }


def run_together(batches: list[list[dict]]) -> list:
    barrier = threading.Barrier(len(batches))
    results, errors = [None] * len(batches), []

    def send(k):
        try:
            barrier.wait()
            results[k] = ingest(actor=None, items=batches[k])
        except Exception as exc:  # the assertion below shows it
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(k,)) for k in range(len(batches))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_a_call_id_replayed_concurrently_is_stored_and_charged_once(world):
    customer, route = world[0]
    same = [item(customer, route, f"same-{i}") for i in range(50)]
    results = run_together([same, list(reversed(same)), same[::2]])
    assert sum(r.created for r in results) == 50
    assert sum(r.duplicates for r in results) == 50 + 25
    assert Cdr.objects.count() == CdrCallId.objects.count() == 50
    # 60 s at 0.06/min is 0.06 a call: charged for 50 calls, once.
    charged = LedgerEntry.objects.filter(kind="charge").aggregate(s=Sum("amount"))["s"]
    assert charged == Decimal("-3.0000")
    assert CdrHourly.objects.aggregate(n=Sum("attempts"))["n"] == 50


@pytest.mark.django_db(transaction=True)
def test_batches_of_the_same_customers_in_opposite_orders_do_not_deadlock(world):
    forward = [item(c, r, f"f-{i}-{k}") for k in range(20) for i, (c, r) in enumerate(world)]
    backward = [item(c, r, f"b-{i}-{k}") for k in range(20) for i, (c, r) in reversed(list(enumerate(world)))]
    # The last two replay the first two's calls, reversed: each call is stored by whichever came first.
    results = run_together([forward, backward, forward[::-1], backward[::-1]])
    assert sum(r.created for r in results) == 160 and sum(r.duplicates for r in results) == 160
    assert Cdr.objects.count() == 160
    assert CdrHourly.objects.aggregate(n=Sum("attempts"))["n"] == 160
    assert LedgerEntry.objects.filter(kind="charge").aggregate(s=Sum("amount"))["s"] == Decimal("-9.6000")
