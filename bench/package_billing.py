"""The billing run over 100,000 customers holding a package, in one run, against a bare INSERT baseline.

Runs in a database of its own (BENCH_DATABASE_URL, default postgres:///cx_packages_bench), which it
empties of customers and packages first. Every customer holds a monthly package due on the run's day.
Prints one JSON line:

    {"customers": N, "charges": C, "ours": s, "baseline": s, "ratio": ours/baseline,
     "second_run_charges": 0, "second_run": s}

`baseline` is the least the run has to write: the same charge and ledger rows from one bare
INSERT ... SELECT each (no schedule, no Minimum Spend, no once-only check) with their foreign-key
checks, rolled back afterwards. `ours` includes the commit.

    .venv/bin/python bench/package_billing.py                 # N = 100000
    BENCH_CUSTOMERS=5000 .venv/bin/python bench/package_billing.py
"""

import datetime as dt
import json
import os
import secrets
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("BENCH_DATABASE_URL", "postgres:///cx_packages_bench")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("HTTPS", "false")

from _common import setup_django

DAY = dt.date(2028, 3, 1)
FEB_1 = dt.date(2028, 2, 1)

BASELINE_SQL = """
WITH rows AS (
    SELECT cp.id AS cp_id, cp.customer_id, c.currency, p.retail, p.name,
           nextval(pg_get_serial_sequence('customers_ledgerentry', 'id')) AS ledger_id
    FROM packages_customerpackage cp
    JOIN packages_package p ON p.id = cp.package_id
    JOIN customers_customer c ON c.id = cp.customer_id
),
charges AS (
    INSERT INTO packages_packagecharge
        (customer_package_id, kind, period, amount, currency, ledger_entry_id, created_at)
    SELECT cp_id, 'recurring', %(day)s, retail, currency, ledger_id, now() FROM rows
)
INSERT INTO customers_ledgerentry (id, customer_id, kind, amount, currency, description, created_at)
SELECT ledger_id, customer_id, 'charge', -retail, currency, name, now() FROM rows
"""


def populate(n: int) -> None:
    from django.db import connection

    from customers.models import Customer
    from packages.models import CustomerPackage, Package

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE packages_freeminutesusage, packages_packagecharge, packages_customerpackage, "
            "packages_package, customers_ledgerentry, customers_payment, customers_customer CASCADE"
        )
    package = Package.objects.create(
        name="Bench Monthly", retail="9.99", frequency="monthly", frequency_match=[1]
    )
    customers = Customer.objects.bulk_create(
        [Customer(name=f"Bench {i:06d}", currency=("USD", "EUR", "GBP")[i % 3]) for i in range(n)],
        batch_size=5000,
    )
    CustomerPackage.objects.bulk_create(
        # Steady state: held since January, billed on 1 February, last run on 29 February, due 1 March.
        [
            CustomerPackage(
                customer=c,
                package=package,
                start_date=DAY - dt.timedelta(days=45),
                last_billing_date=FEB_1,
                billed_through=DAY - dt.timedelta(days=1),
            )
            for c in customers
        ],
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def baseline() -> float:
    from django.db import connection, transaction

    with transaction.atomic():
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(BASELINE_SQL, {"day": dt.date(1999, 1, 1)})
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the foreign-key checks a commit would run
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds


def main() -> None:
    setup_django()
    from packages.services import packages_bill

    n = int(os.environ.get("BENCH_CUSTOMERS", "100000"))
    populate(n)
    base = baseline()
    started = time.perf_counter()
    first = packages_bill(on=DAY)
    ours = time.perf_counter() - started
    started = time.perf_counter()
    second = packages_bill(on=DAY)
    again = time.perf_counter() - started
    print(
        json.dumps(
            {
                "customers": n,
                "charges": first.charges,
                "ours": round(ours, 3),
                "baseline": round(base, 3),
                "ratio": round(ours / base, 2),
                "second_run_charges": second.charges,
                "second_run": round(again, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
