"""Customers list page with 10,000 customers and their payments, through Django's test client.

Runs in its own throw-away database (`bench_<your database name>`), created and dropped here, so
the developer's data is never touched. Prints one JSON line:
{"customers": N, "queries": Q, "p50_ms": ..., "p95_ms": ...}

    .venv/bin/python bench/customer_list.py            # N = 10000
    BENCH_CUSTOMERS=2000 .venv/bin/python bench/customer_list.py
"""

import json
import os
import secrets
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "connexcs.settings")
os.environ.setdefault("HTTPS", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("DEBUG", "false")
# A throw-away key for this process only (its sessions die with the bench database).
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))


def requests_for(n: int) -> list[dict]:
    """Pages a person would look at: first page, balance sorts, filters, a page half-way down."""
    middle = str(max(1, n // 25 // 2))
    return [
        {},
        {"sort": "-balance"},
        {"sort": "balance"},
        {"status": "penalty"},
        {"name": "01"},
        {"page": middle},
        {"sort": "-debit_limit", "page": "3"},
    ]


def populate(n: int, *, admin) -> None:
    """Bulk-load n customers, each with two payments (one Complete) and its ledger entry."""
    from customers.choices import CustomerStatus, LedgerKind, PaymentStatus
    from customers.models import Customer, LedgerEntry, Payment

    statuses = [CustomerStatus.ACTIVE] * 8 + [CustomerStatus.PENALTY, CustomerStatus.INACTIVE]
    start = Customer.objects.count()
    customers = Customer.objects.bulk_create(
        [
            Customer(
                name=f"Bench Customer {start + i:06d}",
                currency=("USD", "EUR", "GBP")[i % 3],
                status=statuses[i % len(statuses)],
                debit_limit=Decimal(i % 500),
                channels=i % 100,
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    payments = []
    for i, customer in enumerate(customers):
        amount = Decimal(f"{(i * 37) % 10000}.{i % 10000:04d}") + Decimal("0.0001")
        payments.append(
            Payment(
                customer=customer,
                description="Top-up",
                amount=amount,
                currency=customer.currency,
                status=PaymentStatus.COMPLETE,
                actor=admin,
            )
        )
        payments.append(
            Payment(
                customer=customer,
                description="Pending wire",
                amount=Decimal("5"),
                currency=customer.currency,
                status=PaymentStatus.PENDING,
                actor=admin,
            )
        )
    payments = Payment.objects.bulk_create(payments, batch_size=5000)
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                customer_id=p.customer_id,
                kind=LedgerKind.PAYMENT,
                amount=p.amount,
                currency=p.currency,
                payment=p,
                description=p.description,
            )
            for p in payments
            if p.status == PaymentStatus.COMPLETE
        ],
        batch_size=5000,
    )


def measure(client, n: int, *, rounds: int = 5) -> dict:
    """Request each page `rounds` times; return max query count and latency percentiles."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    url = reverse("customers:customer_list")
    pages = requests_for(n)
    for params in pages:  # warm up templates and connections
        warm = client.get(url, params)
        assert warm.status_code == 200, (params, warm.status_code, warm.get("Location"))
    timings, queries = [], 0
    for _ in range(rounds):
        for params in pages:
            with CaptureQueriesContext(connection) as ctx:
                began = time.perf_counter()
                response = client.get(url, params)
                timings.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, response.status_code
            queries = max(queries, len(ctx.captured_queries))
    timings.sort()
    return {
        "queries": queries,
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
    }


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    n = int(os.environ.get("BENCH_CUSTOMERS", "10000"))
    db = settings.DATABASES["default"]
    db.setdefault("TEST", {})["NAME"] = f"bench_{db['NAME']}"
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        from tests.factories import AdminFactory

        admin = AdminFactory()
        populate(n, admin=admin)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        client = Client(HTTP_HOST=settings.PANEL_HOSTS[0])
        client.force_login(admin)
        figures = measure(client, n)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(json.dumps({"customers": n, **figures}))


if __name__ == "__main__":
    main()
