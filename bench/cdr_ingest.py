"""CDR ingest speed: N CDRs posted to POST /api/v1/cdr in batches, each rated, stored (COPY into
the month-partitioned table), charged (ledger lines) and rolled up (hourly upserts).

Baseline, measured in the same run on the same rows: PostgreSQL COPY of the already-rated rows
into a plain table shaped like the CDR table (no indexes, no idempotency, no rating, no money, no
rollups): the floor of what storing those rows costs on this machine.

Prints one JSON line: {"cdrs", "batch", "seconds", "cdrs_per_s", "peak_rss_mb", "baseline_copy_s",
"baseline_cdrs_per_s", "ratio"} (ratio = our time / COPY's time). The CDR bodies are generated
between posts and not timed; the timed part is the whole request (JSON parsing included).
Run: .venv/bin/python bench/cdr_ingest.py [--cdrs 1000000] [--batch 5000]
"""

import argparse
import json
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import peak_rss_mb, setup_django

CUSTOMERS = 100
CARRIERS = 3
PREFIXES = 300


def make_world():
    from carriers.models import Carrier
    from customers.models import Customer, LedgerEntry
    from ratecards.models import CustomerCard, CustomerCardRate, CustomerCardRevision
    from routing.models import IngressRoute
    from routing.services import api_token_create

    rng = random.Random(5)
    carriers = [Carrier.objects.create(name=f"Bench carrier {i}", currency="USD") for i in range(CARRIERS)]
    card = CustomerCard.objects.create(name="Bench card", currency="USD", precision=4, rounding="up")
    revision = CustomerCardRevision.objects.create(card=card, number=1, row_count=PREFIXES)
    prefixes = sorted(
        {"44" + "".join(rng.choices("0123456789", k=rng.randint(1, 4))) for _ in range(PREFIXES)}
    )
    rows = {}
    for prefix in prefixes:
        rate = Decimal(rng.randint(50, 900)) / 10000
        rows[prefix] = (rate, [(c.pk, rate * Decimal("0.7")) for c in carriers])
    CustomerCardRate.objects.bulk_create(
        CustomerCardRate(
            revision=revision,
            prefix=p,
            name=f"Dest {p}",
            rate=rate,
            mcd=rng.choice((1, 30, 60)),
            pulse=rng.choice((1, 6, 60)),
            providers=[{"carrier_id": cid, "cost": str(cost), "mcd": 1, "pulse": 1} for cid, cost in costs],
        )
        for p, (rate, costs) in rows.items()
    )
    card.current_revision = revision
    card.save()
    customers, routes = [], []
    for i in range(CUSTOMERS):
        customer = Customer.objects.create(name=f"Bench customer {i}", currency="USD")
        LedgerEntry.objects.create(customer=customer, kind="payment", amount=Decimal(10**9), currency="USD")
        customers.append(customer)
        routes.append(IngressRoute.objects.create(customer=customer, card=card))
    _, token = api_token_create(actor=None, name="bench")
    return token, customers, routes, carriers, rows


def batches(total: int, size: int, world, run: str):
    _token, customers, routes, _carriers, rows = world
    rng = random.Random(11)
    prefixes = list(rows)
    # Each generated number's longest matching prefix (a number may reach a longer prefix).
    longest = {p: max((q for q in rows if (p + "1234567").startswith(q)), key=len) for p in prefixes}
    now = datetime.now(UTC).replace(microsecond=0)
    sent = 0
    while sent < total:
        items = []
        for i in range(sent, min(total, sent + size)):
            k = rng.randrange(CUSTOMERS)
            chosen = rng.choice(prefixes)
            prefix = longest[chosen]
            rate, costs = rows[prefix]
            carrier_id, cost = costs[rng.randrange(CARRIERS)]
            start = now - timedelta(seconds=rng.randrange(20 * 86400))
            answered = rng.random() < 0.6
            talk = rng.randrange(1, 600) if answered else 0
            items.append(
                {
                    "call_id": f"{run}-{i}",
                    "customer_id": customers[k].pk,
                    "route_id": routes[k].pk,
                    "carrier_id": carrier_id,
                    "gateway": "192.0.2.10:5060",
                    "number": chosen + "1234567",
                    "prefix": prefix,
                    "rate": str(rate),
                    "cost": str(cost),
                    "start": start.isoformat(),
                    "answer": (start + timedelta(seconds=2)).isoformat() if answered else None,
                    "end": (start + timedelta(seconds=2 + talk)).isoformat(),
                    "sip_code": 200 if answered else 486,
                    "source_ip": "198.51.100.7",
                }
            )
        sent += len(items)
        yield items


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cdrs", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=5000)
    args = parser.parse_args()
    setup_django()
    import orjson
    from django.db import connection
    from django.test import Client

    from cdr.ingest import COLUMNS, _copy_text, validate
    from routing.engine import engine

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE cdr_cdr, cdr_cdrcallid, cdr_cdrhourly, cdr_carriercost, customers_ledgerentry, "
            "routing_ingressroute, routing_apitoken, ratecards_customercardrate, customers_customer, "
            "carriers_carrier, ratecards_customercard CASCADE"
        )
    world = make_world()
    token = world[0]
    engine.reset()
    client = Client()
    from django.conf import settings

    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_HOST": settings.PANEL_HOSTS[0]}
    run = f"b{int(time.time())}"
    ours = 0.0
    created = 0
    for items in batches(args.cdrs, args.batch, world, run):
        body = orjson.dumps(items)
        started = time.perf_counter()
        response = client.post("/api/v1/cdr", data=body, content_type="application/json", **headers)
        ours += time.perf_counter() - started
        if response["Content-Type"] != "application/json":
            sys.exit(f"bench: {response.status_code} {response.content[:300]!r}")
        answer = response.json()
        if response.status_code != 200 or answer["rejected"]:
            sys.exit(f"bench batch refused: {response.status_code} {str(answer)[:500]}")
        created += answer["created"]
    rss = peak_rss_mb()

    # The baseline: the same rows, already rated, COPYed into a plain table.
    snap = engine.snapshot()
    baseline = 0.0
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_copy (LIKE cdr_cdr INCLUDING DEFAULTS INCLUDING IDENTITY)")
        for items in batches(args.cdrs, args.batch, world, run + "c"):
            now = datetime.now(UTC)
            text = _copy_text([validate(snap, i, item, now) for i, item in enumerate(items)], now)
            started = time.perf_counter()
            with cursor.copy(f"COPY bench_copy ({COLUMNS}) FROM STDIN") as copy:
                copy.write(text)
            connection.commit() if not connection.get_autocommit() else None
            baseline += time.perf_counter() - started
    print(
        json.dumps(
            {
                "cdrs": created,
                "batch": args.batch,
                "seconds": round(ours, 2),
                "cdrs_per_s": round(created / ours),
                "peak_rss_mb": rss,
                "baseline_copy_s": round(baseline, 2),
                "baseline_cdrs_per_s": round(args.cdrs / baseline),
                "ours": round(ours, 2),
                "baseline": round(baseline, 2),
                "ratio": round(ours / baseline, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
