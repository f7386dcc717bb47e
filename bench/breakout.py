"""Breakout from the hourly rollups against the same report by GROUP BY over raw CDRs, and the CDR
search's page 1 and page 1,000, on 10,000,000 CDRs.

Runs in its own throw-away database (`bench_<your database name>`), created and dropped here. The
CDRs are made by one generate_series INSERT (30 days up to now, 50 customers each calling 10
destinations, one carrier per destination, ~35 % unanswered), and the rollups by one GROUP BY over
them, as the ingest would have kept them. Prints one JSON line per figure:

    {"figure": "breakout", "ours": <rollup p95 ms>, "baseline": <raw GROUP BY p95 ms>, "ratio": ...}
    {"figure": "cdr_search", "page_1_p95_ms": ..., "page_1000_p95_ms": ..., ...}

    .venv/bin/python bench/breakout.py                 # 10,000,000 CDRs, about 3-4 minutes
    BENCH_CDRS=1000000 .venv/bin/python bench/breakout.py
"""

import json
import os
import secrets
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "connexcs.settings")
os.environ.setdefault("HTTPS", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))

CUSTOMERS, PREFIXES_EACH, CARRIERS, DAYS = 50, 10, 40, 30

# Row i: customer i % 50; destination one of the customer's 10; the destination's carrier; a start
# spread evenly over the last 30 days; 65 % answered, for 1-600 s, billed per minute at 0.01-0.05.
GENERATE = """
INSERT INTO cdr_cdr (
    call_id, start, answer, "end", duration, customer_id, ingress_route_id, carrier_id, gateway, tried,
    number, prefix, destination, currency, rate, connect_cost, mcd, pulse, carrier_currency,
    carrier_prefix, carrier_rate, carrier_connect_cost, carrier_mcd, carrier_pulse, sip_code, sip_reason,
    source_ip, sip_user, billed_seconds, charge, carrier_billed_seconds, cost, created_at
)
SELECT
    'bench-' || i, t.start, CASE WHEN t.ok THEN t.start + interval '3 seconds' END,
    t.start + interval '3 seconds' + make_interval(secs => t.dur), t.dur, t.cust, NULL, t.carrier, '', '[]',
    t.prefix || lpad((i %% 1000000)::text, 7, '0'), t.prefix, 'Destination ' || t.prefix, 'USD',
    t.rate, 0, 60, 60, 'USD', t.prefix, t.rate * 0.7, 0, 60, 60,
    CASE WHEN t.ok THEN 200 ELSE 486 END, CASE WHEN t.ok THEN 'OK' ELSE 'Busy Here' END,
    NULL, '', t.billed, round(t.rate * t.billed / 60, 4), t.billed, round(t.rate * 0.7 * t.billed / 60, 4),
    t.start
FROM generate_series(1, %(n)s::bigint) AS i
CROSS JOIN LATERAL (
    SELECT
        %(cust0)s + (i %% %(customers)s) AS cust,
        (400 + ((i %% %(customers)s) * 7 + (i / %(customers)s) %% %(each)s) %% 500)::text AS prefix,
        %(carrier0)s
            + ((i %% %(customers)s) * 7 + (i / %(customers)s) %% %(each)s) %% %(carriers)s AS carrier,
        %(now)s - make_interval(secs => (i::bigint * %(span)s / %(n)s)::double precision) AS start,
        (i %% 20) < 13 AS ok,
        CASE WHEN (i %% 20) < 13 THEN 1 + (i * 7919) %% 600 ELSE 0 END AS dur,
        CASE WHEN (i %% 20) < 13 THEN ((1 + (i * 7919) %% 600 + 59) / 60) * 60 ELSE 0 END AS billed,
        (0.01 + ((i / %(customers)s) %% %(each)s) * 0.004)::numeric(14, 6) AS rate
) AS t
"""

ROLLUP = """
INSERT INTO cdr_cdrhourly (hour, customer_id, carrier_id, prefix, destination, attempts, answered,
                           duration, billed_seconds, revenue, cost)
SELECT date_trunc('hour', start), customer_id, carrier_id, prefix, max(destination), count(*), count(answer),
       sum(duration), sum(billed_seconds), sum(charge), sum(cost)
FROM cdr_cdr GROUP BY 1, 2, 3, 4 ORDER BY 1
"""
# Loading 10M rows is quicker into unlogged partitions (a throw-away database: no WAL) and with the
# secondary indexes built once afterwards rather than kept up row by row.
SECONDARY_INDEXES = {
    "cdr_customer_start": "CREATE INDEX cdr_customer_start ON cdr_cdr (customer_id, start)",
    "cdr_carrier_start": "CREATE INDEX cdr_carrier_start ON cdr_cdr (carrier_id, start)",
}


def populate(n: int) -> dict:
    import datetime as dt

    from django.db import connection

    from carriers.models import Carrier
    from cdr.models import CdrHourly
    from customers.models import Customer

    if CdrHourly.objects.exists():  # BENCH_KEEP_DB: already generated
        with connection.cursor() as cursor:
            cursor.execute("SELECT max(start) FROM cdr_cdr")
            now = cursor.fetchone()[0]
        return {
            "customers": list(Customer.objects.filter(name__startswith="Bench Customer").order_by("pk")),
            "carriers": list(Carrier.objects.filter(name__startswith="Bench Carrier").order_by("pk")),
            "now": now,
            "generate_s": None,
            "index_s": None,
            "rollup_s": None,
            "rollup_rows": CdrHourly.objects.count(),
        }

    customers = Customer.objects.bulk_create(
        Customer(name=f"Bench Customer {i:02d}", currency="USD") for i in range(CUSTOMERS)
    )
    carriers = Carrier.objects.bulk_create(
        Carrier(name=f"Bench Carrier {i:02d}", currency="USD") for i in range(CARRIERS)
    )
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    timings = {}
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET work_mem = '256MB'")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        partitions = set()
        for days_back in range(DAYS + 1):
            cursor.execute("SELECT cdr_ensure_partition(%s)", [(now - dt.timedelta(days=days_back)).date()])
            partitions.add(cursor.fetchone()[0])
        for name in sorted(partitions):
            cursor.execute(f'ALTER TABLE "{name}" SET UNLOGGED')
        cursor.execute("ALTER TABLE cdr_cdrhourly SET UNLOGGED")
        for name in SECONDARY_INDEXES:
            cursor.execute(f"DROP INDEX {name}")
        began = time.perf_counter()
        cursor.execute(
            GENERATE,
            {
                "n": n,
                "cust0": customers[0].pk,
                "customers": CUSTOMERS,
                "each": PREFIXES_EACH,
                "carrier0": carriers[0].pk,
                "carriers": CARRIERS,
                "now": now,
                "span": DAYS * 86400,
            },
        )
        timings["generate_s"] = round(time.perf_counter() - began, 1)
        began = time.perf_counter()
        for sql in SECONDARY_INDEXES.values():
            cursor.execute(sql)
        timings["index_s"] = round(time.perf_counter() - began, 1)
        began = time.perf_counter()
        cursor.execute(ROLLUP)
        timings["rollup_s"] = round(time.perf_counter() - began, 1)
        cursor.execute("ANALYZE cdr_cdr")
        cursor.execute("ANALYZE cdr_cdrhourly")
        cursor.execute("ANALYZE customers_customer")
        cursor.execute("ANALYZE carriers_carrier")
        cursor.execute("SELECT count(*) FROM cdr_cdrhourly")
        timings["rollup_rows"] = cursor.fetchone()[0]
    return {"customers": customers, "carriers": carriers, "now": now, **timings}


def reports(world) -> list[dict]:
    """What an operator asks for: today by customer (and per hour), the week by destination per day,
    the month by customer and carrier, one customer's month by destination per day."""
    import datetime as dt

    from cdr.report_selectors import today_start

    today = today_start(world["now"])
    tomorrow = today + dt.timedelta(days=1)
    return [
        {"start": today, "end": tomorrow, "groups": ["customer"]},
        {"start": today, "end": tomorrow, "groups": ["customer"], "period": "hour"},
        {"start": today - dt.timedelta(days=6), "end": tomorrow, "groups": ["destination"], "period": "day"},
        {"start": today - dt.timedelta(days=29), "end": tomorrow, "groups": ["customer", "carrier"]},
        {
            "start": today - dt.timedelta(days=29),
            "end": tomorrow,
            "groups": ["destination"],
            "period": "day",
            "customer": world["customers"][3],
        },
    ]


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return round(ordered[max(0, int(len(ordered) * 0.95 + 0.5) - 1)], 1)


def time_breakout(world, *, rollup_rounds: int, raw_rounds: int) -> dict:
    from cdr.report_selectors import breakout, breakout_from_cdrs

    asks = reports(world)
    ours, baseline = [], []
    for ask in asks:  # warm-up, and the two must agree
        fast, slow = breakout(**ask), breakout_from_cdrs(**ask)
        assert [vars(r) for r in fast.rows] == [vars(r) for r in slow.rows], ask
    for _ in range(rollup_rounds):
        for ask in asks:
            began = time.perf_counter()
            breakout(**ask)
            ours.append((time.perf_counter() - began) * 1000)
    for _ in range(raw_rounds):
        for ask in asks:
            began = time.perf_counter()
            breakout_from_cdrs(**ask)
            baseline.append((time.perf_counter() - began) * 1000)
    ours_p95, base_p95 = p95(ours), p95(baseline)
    return {
        "figure": "breakout",
        "ours": ours_p95,
        "baseline": base_p95,
        "ratio": round(base_p95 / ours_p95, 1),
        "unit": "p95_ms",
        "reports": len(asks),
        "samples": [len(ours), len(baseline)],
    }


def time_search(world, client, *, rounds: int) -> dict:
    from django.db import connection
    from django.urls import reverse

    from connexcs.keyset import encode

    url = reverse("cdr:cdr_list")
    customer = world["customers"][7]
    cases = {}
    for label, params, where, args in [
        ("all", {}, "", []),
        ("customer", {"customer": customer.pk}, "WHERE customer_id = %s", [customer.pk]),
    ]:
        with connection.cursor() as cursor:  # the cursor a person reaches by clicking Next 999 times
            cursor.execute(f"SELECT count(*) FROM cdr_cdr {where}", args)  # noqa: S608
            skip = min(999 * 25, cursor.fetchone()[0] - 25) - 1  # a smaller run: its last full page
            cursor.execute(
                f"SELECT start, id FROM cdr_cdr {where} ORDER BY start DESC, id DESC OFFSET %s LIMIT 1",  # noqa: S608
                [*args, skip],
            )
            start, pk = cursor.fetchone()
        first = dict(params)
        thousandth = {**params, "after": encode(start, pk), "page": 1000}
        for page, query in (("page_1", first), ("page_1000", thousandth)):
            response = client.get(url, query)
            assert response.status_code == 200 and len(response.context["page"].rows) == 25
            samples = []
            for _ in range(rounds):
                began = time.perf_counter()
                client.get(url, query)
                samples.append((time.perf_counter() - began) * 1000)
            cases[f"{label}_{page}"] = p95(samples)
    return {
        "figure": "cdr_search",
        "page_1_p95_ms": max(cases["all_page_1"], cases["customer_page_1"]),
        "page_1000_p95_ms": max(cases["all_page_1000"], cases["customer_page_1000"]),
        **{f"{k}_p95_ms": v for k, v in cases.items()},
        "rounds": rounds,
    }


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    n = int(os.environ.get("BENCH_CDRS", "10000000"))
    db = settings.DATABASES["default"]
    db.setdefault("TEST", {})["NAME"] = f"bench_{db['NAME']}"
    setup_test_environment()
    keep = os.environ.get("BENCH_KEEP_DB") == "1"  # re-measure without re-generating (while tuning)
    old_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=not keep, serialize=False, keepdb=keep
    )
    try:
        from tests.factories import AdminFactory

        began = time.perf_counter()
        world = populate(n)
        admin = AdminFactory()
        client = Client(HTTP_HOST=settings.PANEL_HOSTS[0])
        client.force_login(admin)
        breakout_figures = time_breakout(world, rollup_rounds=20, raw_rounds=2)
        search_figures = time_search(world, client, rounds=20)
        setup = {
            "cdrs": n,
            "rollup_rows": world["rollup_rows"],
            "generate_s": world["generate_s"],
            "index_s": world["index_s"],
            "rollup_s": world["rollup_s"],
            "total_s": round(time.perf_counter() - began, 1),
        }
    finally:
        if not keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    print(json.dumps({**breakout_figures, **setup}))
    print(json.dumps({**search_figures, "cdrs": n}))


if __name__ == "__main__":
    main()
