"""Customer portal pages on a brand's domain: Dashboard (with today's and this month's summary),
Rate Cards page 1 (and a prefix search) of a 200,000-row card, Payments and CDR page 1 of a
customer with 1,000,000 CDRs, for one logged-in contact, through Django's test client.

Baseline: the portal's own `healthz` view on the same stack (host check, sessions, middleware),
so the ratio is what the page itself costs. Runs in a throw-away database (`bench_<db name>`),
created and dropped here. Prints one JSON line per page:
{"page": ..., "queries": Q, "ours": p95 ms, "baseline": p95 ms, "ratio": ours/baseline}

    .venv/bin/python bench/portal_pages.py                  # 200,000 rates
    BENCH_RATES=20000 BENCH_CDRS=100000 .venv/bin/python bench/portal_pages.py
"""

import json
import os
import secrets
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "connexcs.settings")
os.environ.setdefault("HTTPS", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))

HOST = "bench.portal.test"
DAYS = 30
# The customer's calls over the last DAYS days, newest at now; 65 % answered, billed per minute.
GENERATE = """
INSERT INTO cdr_cdr (
    call_id, start, answer, "end", duration, customer_id, ingress_route_id, carrier_id, gateway, tried,
    number, prefix, destination, currency, rate, connect_cost, mcd, pulse, carrier_currency,
    carrier_prefix, carrier_rate, carrier_connect_cost, carrier_mcd, carrier_pulse, sip_code, sip_reason,
    source_ip, sip_user, billed_seconds, charge, carrier_billed_seconds, cost, created_at
)
SELECT
    'bench-' || i, t.start, CASE WHEN t.ok THEN t.start + interval '3 seconds' END,
    t.start + interval '3 seconds' + make_interval(secs => t.dur), t.dur, %(cust)s, NULL, NULL, '', '[]',
    '44' || lpad((i %% 10000000)::text, 8, '0'), '44', 'United Kingdom', 'USD', 0.0123, 0, 60, 60, '',
    '', 0, 0, 1, 1, CASE WHEN t.ok THEN 200 ELSE 486 END, CASE WHEN t.ok THEN 'OK' ELSE 'Busy Here' END,
    NULL, '', t.billed, round(0.0123 * t.billed / 60, 4), 0, 0, t.start
FROM generate_series(1, %(n)s::bigint) AS i
CROSS JOIN LATERAL (
    SELECT %(now)s - make_interval(secs => (i::bigint * %(span)s / %(n)s)::double precision) AS start,
           (i %% 20) < 13 AS ok,
           CASE WHEN (i %% 20) < 13 THEN 1 + (i * 7919) %% 600 ELSE 0 END AS dur,
           CASE WHEN (i %% 20) < 13 THEN ((1 + (i * 7919) %% 600 + 59) / 60) * 60 ELSE 0 END AS billed
) AS t
"""
ROLLUP = """
INSERT INTO cdr_cdrhourly (hour, customer_id, carrier_id, prefix, destination, attempts, answered,
                           duration, billed_seconds, revenue, cost)
SELECT date_trunc('hour', start), customer_id, carrier_id, prefix, max(destination), count(*), count(answer),
       sum(duration), sum(billed_seconds), sum(charge), sum(cost)
FROM cdr_cdr GROUP BY 1, 2, 3, 4 ORDER BY 1
"""


def populate_cdrs(customer, n: int) -> None:
    import datetime as dt

    from django.db import connection

    from cdr.ingest import ensure_partitions

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    ensure_partitions({(now - dt.timedelta(days=d)).date() for d in range(DAYS + 1)})
    with connection.cursor() as cursor:
        cursor.execute(GENERATE, {"cust": customer.pk, "n": n, "now": now, "span": DAYS * 86400})
        cursor.execute(ROLLUP)


PASSWORD = "Bench-portal-pass-1"


def populate(rates: int, payments: int):
    from django.contrib.auth.hashers import make_password

    from customers.choices import LedgerKind, PaymentStatus
    from customers.models import Contact, LedgerEntry, Payment
    from portal.models import CustomerPortal, PortalDomain, PortalUser
    from ratecards.models import CustomerCard, CustomerCardRate, CustomerCardRevision
    from routing.models import IngressRoute
    from tests.factories import CustomerFactory

    brand = PortalDomain.objects.create(
        domain=HOST,
        brand_name="Bench Tel",
        dns_status="ok",
        features={"balance": True, "rate_cards": True, "payments": True, "cdr": True, "summary": True},
    )
    customer = CustomerFactory(name="Bench Customer", currency="USD")
    CustomerPortal.objects.create(customer=customer, domain=brand)
    contact = Contact.objects.create(customer=customer, name="Bench Contact", email="bench@customer.test")
    user = PortalUser.objects.create(
        domain=brand,
        contact=contact,
        name=contact.name,
        email=contact.email,
        password=make_password(PASSWORD),
    )
    card = CustomerCard.objects.create(name="Bench Card", currency="USD")
    revision = CustomerCardRevision.objects.create(card=card, number=1, row_count=rates)
    batch = []
    for i in range(rates):
        batch.append(
            CustomerCardRate(
                revision=revision,
                prefix=str(100000 + i),
                name=f"Destination {i % 997}",
                rate=Decimal("0.0123"),
            )
        )
        if len(batch) == 20000:
            CustomerCardRate.objects.bulk_create(batch)
            batch = []
    CustomerCardRate.objects.bulk_create(batch)
    card.current_revision = revision
    card.save(update_fields=["current_revision"])
    IngressRoute.objects.create(customer=customer, card=card)
    rows = Payment.objects.bulk_create(
        Payment(
            customer=customer,
            description="Top-up",
            amount=Decimal("10"),
            currency="USD",
            status=PaymentStatus.COMPLETE,
        )
        for _ in range(payments)
    )
    LedgerEntry.objects.bulk_create(
        LedgerEntry(customer=customer, kind=LedgerKind.PAYMENT, amount=p.amount, currency="USD", payment=p)
        for p in rows
    )
    return user, card, customer


def p95(client, path, rounds: int) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # warm up
        assert client.get(path).status_code == 200, path
    timings, queries = [], 0
    for _ in range(rounds):
        with CaptureQueriesContext(connection) as ctx:
            began = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        queries = max(queries, len(ctx.captured_queries))
    timings.sort()
    return round(timings[max(0, int(len(timings) * 0.95) - 1)], 2), queries


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    rates = int(os.environ.get("BENCH_RATES", "200000"))
    payments = int(os.environ.get("BENCH_PAYMENTS", "5000"))
    cdrs = int(os.environ.get("BENCH_CDRS", "1000000"))
    rounds = int(os.environ.get("BENCH_ROUNDS", "60"))
    db = settings.DATABASES["default"]
    db.setdefault("TEST", {})["NAME"] = f"bench_{db['NAME']}"
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        user, card, customer = populate(rates, payments)
        populate_cdrs(customer, cdrs)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        client = Client(HTTP_HOST=HOST)
        assert client.post("/", {"email": user.email, "password": PASSWORD}).status_code == 302
        baseline, _ = p95(client, "/healthz", rounds)
        pages = {
            "dashboard": "/dashboard/",
            "rate_card_page_1": f"/rate-cards/{card.pk}/",
            "rate_card_search": f"/rate-cards/{card.pk}/?q=1999",
            "payments": "/payments/",
            "cdr_page_1": "/cdr/",
        }
        for name, path in pages.items():
            ours, queries = p95(client, path, rounds)
            row = {
                "page": name,
                "rates": rates,
                "cdrs": cdrs,
                "queries": queries,
                "ours": ours,
                "baseline": baseline,
            }
            print(json.dumps({**row, "ratio": round(ours / baseline, 2) if baseline else None}), flush=True)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
