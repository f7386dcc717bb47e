"""CDRs for the report tests: straight to the table (make_cdr), or through the real ingest with its
rollups and charges (ingest_traffic)."""

import datetime as dt
import random
from decimal import Decimal
from itertools import count

from cdr.ingest import ingest
from cdr.models import Cdr
from tests.factories import AdminFactory
from tests.routing import factories as f

_ids = count(1)


def make_cdr(
    customer, *, start: dt.datetime, carrier=None, answered: bool = True, duration: int = 30, **kw
) -> Cdr:
    fields = {
        "call_id": f"report-{next(_ids)}",
        "start": start,
        "answer": start + dt.timedelta(seconds=2) if answered else None,
        "end": start + dt.timedelta(seconds=2 + (duration if answered else 0)),
        "duration": duration if answered else 0,
        "customer_id": customer.pk,
        "carrier_id": carrier.pk if carrier is not None else None,
        "number": "441234567890",
        "prefix": "44",
        "destination": "United Kingdom",
        "currency": customer.currency,
        "rate": Decimal("0.012"),
        "sip_code": 200 if answered else 503,
        "sip_reason": "OK" if answered else "Service Unavailable",
        "billed_seconds": duration if answered else 0,
        "charge": Decimal("0.0060") if answered else Decimal(0),
        "carrier_currency": carrier.currency if carrier is not None else "",
        "cost": Decimal("0.0040") if answered else Decimal(0),
    }
    fields.update(kw)
    return Cdr.objects.create(**fields)


def ingest_traffic(calls: int = 240) -> dict:
    """`calls` calls of two customers (USD and EUR) over three days, two carriers, three destinations."""
    cheap, dear = f.carrier("Cheap"), f.carrier("Dear")
    rows = {
        "44": {"rate": "0.0200", "connect_cost": "0.0100", "mcd": 30, "pulse": 6, "name": "United Kingdom"},
        "447": {"rate": "0.0500", "mcd": 1, "pulse": 1, "name": "United Kingdom Mobile"},
        "33": {"rate": "0.0150", "mcd": 60, "pulse": 60, "name": "France"},
    }
    for prefix, row in rows.items():
        row["providers"] = [f.provider(cheap, "0.01", prefix), f.provider(dear, "0.012", prefix)]
    usd_card = f.card(rows)
    eur_card = f.card(rows)
    eur_card.currency = "EUR"
    eur_card.save(update_fields=["currency"])
    acme = f.customer("Acme", balance="1000")
    euro = f.customer("Euro Co", balance="1000", currency="EUR")
    routes = {acme.pk: f.route(acme, usd_card), euro.pk: f.route(euro, eur_card)}
    numbers = {"44": "442071234567", "447": "447700900123", "33": "33123456789"}
    rates = {"44": "0.0200", "447": "0.0500", "33": "0.0150"}
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    rng = random.Random(12)
    items = []
    for i in range(calls):
        customer = (acme, euro)[i % 2]
        prefix = rng.choice(list(numbers))
        carrier = rng.choice([cheap, dear, None])
        start = now - dt.timedelta(seconds=rng.randrange(0, 3 * 86400))
        talk = rng.choice([None, 0, 1, 29, 61, 300]) if carrier is not None else None
        answer = start + dt.timedelta(seconds=3) if talk is not None else None
        item = {
            "call_id": f"breakout-{i}",
            "customer_id": customer.pk,
            "route_id": routes[customer.pk].pk,
            "number": numbers[prefix],
            "rate": rates[prefix],
            "start": start.isoformat(),
            "answer": answer.isoformat() if answer else None,
            "end": ((answer or start) + dt.timedelta(seconds=talk or 0)).isoformat(),
            "sip_code": 200 if talk is not None else rng.choice([486, 503, 404]),
            "cli": f"+4420{i:07d}",
        }
        if carrier is not None:
            item.update(carrier_id=carrier.pk, cost="0.01", carrier_billing={"mcd": 1, "pulse": 1})
        items.append(item)
    for batch in (items[:100], items[100:]):  # two batches: the rollups are upserted, not rewritten
        result = ingest(actor=AdminFactory(), items=batch)
        assert result.created == len(batch), result.outcomes
    return {"acme": acme, "euro": euro, "cheap": cheap, "dear": dear, "now": now}
