"""The billing run in set-based SQL: one statement charges every due period of every customer package.

For each held package the run walks the days after its cursor (`billed_through`, else from the start
date) to today (or the day before it was removed) and keeps the billing dates (schedule.py states
the same rules in Python). Then:

- a Recurring charge of Retail for each billing date after the cursor (not for Minimum Spend packages);
- a Minimum Spend charge for each period that has ended (a billing date followed by another on or
  before today): Retail less the customer's call spend in the period, when positive. Call spend is
  the customer's ledger CHARGE entries in that period that are not package charges.

Each charge is a PackageCharge row whose unique key (customer package, kind, period) makes it happen
once: a second run, a retry, or a run racing this one inserts nothing (`ON CONFLICT DO NOTHING`), and
only rows actually inserted get their ledger entry (same statement). Runs also take an advisory lock so
two of them queue rather than wait on each other's rows. A run after days of downtime walks every
missed day, so nothing is skipped; the cursor then moves to the last day walked, and
`last_billing_date` to the latest billing date met (the start of the open period).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection

from connexcs.money import ZERO

# Any constant the runs agree on: pg_advisory_xact_lock takes a bigint.
_LOCK_KEY = 0x5041434B  # "PACK"

_LAST_DAY = "EXTRACT(DAY FROM date_trunc('month', d.day) + interval '1 month - 1 day')::int"

_SQL = f"""
WITH held AS (
    SELECT cp.id, cp.customer_id, cp.start_date, cp.last_billing_date,
           GREATEST(cp.start_date, cp.billed_through + 1) AS walk_from,
           p.name, p.retail, p.frequency, p.minimum_spend, c.currency, m.days,
           (SELECT max(x) FROM unnest(m.days) x) AS max_day,
           LEAST(%(today)s::date, (cp.removed_at AT TIME ZONE 'UTC')::date - 1) AS until
    FROM packages_customerpackage cp
    JOIN packages_package p ON p.id = cp.package_id
    JOIN customers_customer c ON c.id = cp.customer_id
    CROSS JOIN LATERAL (
        SELECT CASE p.frequency
            WHEN 'weekly' THEN COALESCE(NULLIF(p.frequency_match, '{{}}'),
                                        ARRAY[EXTRACT(ISODOW FROM cp.start_date)::int])
            WHEN 'monthly' THEN COALESCE(NULLIF(p.frequency_match, '{{}}'),
                                         ARRAY[EXTRACT(DAY FROM cp.start_date)::int])
            ELSE '{{}}'::int[]
        END AS days
    ) m
    WHERE cp.start_date <= %(today)s::date
      AND (cp.billed_through IS NULL OR cp.billed_through < %(today)s::date)
      AND (cp.removed_at IS NULL OR cp.billed_through IS NULL
           OR cp.billed_through < (cp.removed_at AT TIME ZONE 'UTC')::date - 1)
      AND (p.frequency <> 'one_off' OR cp.billed_through IS NULL)
),
dates AS (
    SELECT h.*, d.day
    FROM held h
    CROSS JOIN LATERAL (
        SELECT g::date AS day FROM generate_series(h.walk_from, h.until, interval '1 day') g
    ) d
    WHERE CASE h.frequency
        WHEN 'one_off' THEN d.day = h.start_date
        WHEN 'daily' THEN true
        WHEN 'weekly' THEN EXTRACT(ISODOW FROM d.day)::int = ANY(h.days)
        -- a day the month lacks (31 in April) bills on the month's last day
        WHEN 'monthly' THEN EXTRACT(DAY FROM d.day)::int = ANY(h.days)
             OR (EXTRACT(DAY FROM d.day)::int = {_LAST_DAY} AND h.max_day > {_LAST_DAY})
        WHEN 'yearly' THEN EXTRACT(MONTH FROM d.day) = EXTRACT(MONTH FROM h.start_date)
             AND EXTRACT(DAY FROM d.day)::int = LEAST(EXTRACT(DAY FROM h.start_date)::int, {_LAST_DAY})
        ELSE false
    END
),
periods AS (
    -- Minimum Spend packages: each billing date with the next one, starting from the period the
    -- previous runs left open (last_billing_date).
    SELECT s.*, lead(s.day) OVER (PARTITION BY s.id ORDER BY s.day) AS next_day
    FROM (
        SELECT id, customer_id, currency, name, retail, day FROM dates WHERE minimum_spend
        UNION ALL
        SELECT id, customer_id, currency, name, retail, last_billing_date FROM held
        WHERE minimum_spend AND last_billing_date IS NOT NULL
    ) s
),
spend AS (
    SELECT pr.id, pr.day, COALESCE(-sum(le.amount), 0) AS spent
    FROM periods pr
    LEFT JOIN customers_ledgerentry le
        ON le.customer_id = pr.customer_id
       AND le.kind = 'charge'
       AND le.currency = pr.currency
       AND le.created_at >= pr.day::timestamp AT TIME ZONE 'UTC'
       AND le.created_at < pr.next_day::timestamp AT TIME ZONE 'UTC'
       AND NOT EXISTS (SELECT 1 FROM packages_packagecharge pc WHERE pc.ledger_entry_id = le.id)
    WHERE pr.next_day IS NOT NULL
    GROUP BY pr.id, pr.day
),
due AS (
    SELECT d.id AS cp_id, d.customer_id, d.currency, 'recurring' AS kind, d.day AS period,
           d.retail AS amount, d.name || ' (' || to_char(d.day, 'YYYY-MM-DD') || ')' AS description
    FROM dates d
    WHERE NOT d.minimum_spend AND d.retail > 0
    UNION ALL
    SELECT pr.id, pr.customer_id, pr.currency, 'minimum_spend', pr.day, pr.retail - s.spent,
           pr.name || ': minimum spend ' || to_char(pr.day, 'YYYY-MM-DD') || ' to '
               || to_char(pr.next_day - 1, 'YYYY-MM-DD')
    FROM periods pr JOIN spend s ON s.id = pr.id AND s.day = pr.day
    WHERE pr.retail - s.spent > 0
),
inserted AS (
    INSERT INTO packages_packagecharge
        (customer_package_id, kind, period, amount, currency, ledger_entry_id, created_at)
    SELECT cp_id, kind, period, amount, currency,
           nextval(pg_get_serial_sequence('customers_ledgerentry', 'id')), now()
    FROM due
    ON CONFLICT (customer_package_id, kind, period) DO NOTHING
    RETURNING ledger_entry_id, customer_package_id, kind, period, amount, currency
),
ledger AS (
    INSERT INTO customers_ledgerentry (id, customer_id, kind, amount, currency, description, created_at)
    SELECT i.ledger_entry_id, due.customer_id, 'charge', -i.amount, i.currency,
           left(due.description, 255), now()
    FROM inserted i
    JOIN due ON due.cp_id = i.customer_package_id AND due.kind = i.kind AND due.period = i.period
    RETURNING amount
),
moved AS (
    UPDATE packages_customerpackage cp
    SET billed_through = h.until,
        last_billing_date = COALESCE(latest.day, cp.last_billing_date)
    FROM held h
    LEFT JOIN (SELECT id, max(day) AS day FROM dates GROUP BY id) latest ON latest.id = h.id
    WHERE cp.id = h.id AND h.until >= h.walk_from
    RETURNING cp.id
)
SELECT (SELECT count(*) FROM ledger), (SELECT COALESCE(-sum(amount), 0) FROM ledger),
       (SELECT count(*) FROM moved)
"""  # noqa: S608 - only the constant _LAST_DAY is interpolated


@dataclass(frozen=True)
class BillingResult:
    day: date
    charges: int
    total: Decimal
    moved: int


def bill(day: date) -> BillingResult:
    """Run inside a transaction (the service's)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        # The planner cannot foresee generate_series' few rows per package and would spend seconds
        # JIT-compiling a plan that runs in milliseconds.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(_SQL, {"today": day})
        charges, total, moved = cursor.fetchone()
    return BillingResult(day=day, charges=charges, total=total or ZERO, moved=moved)
