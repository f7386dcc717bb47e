"""The one way CDRs come in: `ingest(actor=..., items=[...])` validates, rates, stores and charges.

Everything a batch does happens in one transaction:
1. every item is checked against the routing snapshot (no query per item): the customer exists,
   the ingress route is the customer's, the sell rate agrees with the route's card for the number,
   times are ordered, durations are not negative. A bad item gets an error naming its field; the
   good ones go on.
2. the call ids go into `cdr_cdrcallid` (ON CONFLICT DO NOTHING RETURNING): only ids that were new
   are stored and charged, so a retried or replayed CDR changes nothing.
3. each new call is rated by `routing.billing` (customer charge and carrier cost), the rows are
   COPYed into the month-partitioned CDR table, the hourly rollups are upserted, one ledger CHARGE
   per customer and one carrier cost line per carrier are written for the batch.
4. after commit the "balances" version is bumped: routing processes reload balances within 2 s.

This module is the ingest interface: the API, the bench and the tests call `ingest` only, so the
storage behind it (PostgreSQL today; ClickHouse for the raw rows when one machine is not enough) can
change without touching its callers.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache

import msgspec
from django.db import connection, transaction

from connexcs import hooks, versioning
from connexcs.audit import record
from connexcs.choices import AuditAction
from connexcs.money import AMOUNT_PLACES, round_to
from customers.choices import LedgerKind
from customers.models import LedgerEntry
from routing.billing import SIXTY
from routing.engine import Snapshot, engine

from .models import CarrierCost
from .validation import Call, validate_batch

BALANCES = "balances"  # the version routing processes watch to reload balances
CREATED, DUPLICATE, INVALID = 201, 409, 400

_known_months: set[date] = set()  # partitions this process has made sure of


@dataclass
class Outcome:
    """One item's result: 201 created, 409 already recorded, 400 refused (with the field)."""

    index: int
    call_id: str | None
    status: int
    field: str | None = None
    error: str | None = None

    def as_json(self) -> dict:
        out: dict = {"index": self.index, "call_id": self.call_id, "status": self.status}
        if self.field is not None:
            out.update(field=self.field, error=self.error)
        return out


@dataclass
class IngestResult:
    created: int = 0
    outcomes: list[Outcome] = field(default_factory=list)  # the items not created, in order

    @property
    def duplicates(self) -> int:
        return sum(1 for o in self.outcomes if o.status == DUPLICATE)

    @property
    def rejected(self) -> int:
        return sum(1 for o in self.outcomes if o.status == INVALID)


# --- writing ---------------------------------------------------------------------------------------

COLUMNS = (
    'call_id, start, answer, "end", duration, customer_id, ingress_route_id, carrier_id, gateway, tried, '
    "number, prefix, destination, currency, rate, connect_cost, mcd, pulse, carrier_currency, "
    "carrier_prefix, carrier_rate, carrier_connect_cost, carrier_mcd, carrier_pulse, sip_code, sip_reason, "
    "source_ip, sip_user, cli, billed_seconds, charge, carrier_billed_seconds, cost, created_at"
)
NULL = "\\N"  # COPY's NULL
_TRIED = msgspec.json.Encoder().encode
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _esc(text: str) -> str:
    return text.translate(_ESCAPES) if text else text


@lru_cache(maxsize=4096)  # destinations come from the card: a few hundred names
def _esc_name(text: str) -> str:
    return _esc(text)


def _copy_text(calls: list[Call], now: datetime) -> str:
    """COPY text-format lines for the new calls (one string: one write, one round trip)."""
    created = now.isoformat()
    out = io.StringIO()
    write = out.write
    for c in calls:
        esc = str if c.plain else _esc  # str(text) is text: most calls have nothing to escape
        write(
            f"{esc(c.call_id)}\t{c.start.isoformat()}\t{c.answer.isoformat() if c.answer else NULL}\t"
            f"{c.end.isoformat()}\t{c.duration}\t{c.customer_id}\t{c.route_id}\t"
            f"{c.carrier_id if c.carrier_id is not None else NULL}\t{esc(c.gateway)}\t"
            f"{_esc(_TRIED(c.tried).decode()) if c.tried else '[]'}\t{c.number}\t{c.prefix}\t"
            f"{_esc_name(c.destination)}\t{c.currency}\t{c.rate}\t{c.connect_cost}\t{c.mcd}\t{c.pulse}\t"
            f"{c.currency if c.carrier_id is not None else ''}\t{esc(c.carrier_prefix)}\t{c.carrier_rate}\t"
            f"{c.carrier_connect_cost}\t{c.carrier_mcd}\t{c.carrier_pulse}\t{c.sip_code}\t{esc(c.sip_reason)}\t"
            f"{c.source_ip or NULL}\t{esc(c.sip_user)}\t{esc(c.cli)}\t{c.billed_seconds}\t{c.charge}\t"
            f"{c.carrier_billed_seconds}\t{c.cost}\t{created}\n"
        )
    return out.getvalue()


def ensure_partitions(days: set[date]) -> list[str]:
    """Make sure the month partition holding each day exists (once per process per month)."""
    months = {d.replace(day=1) for d in days} - _known_months
    made = []
    if months:
        with connection.cursor() as cursor:
            for month in sorted(months):
                cursor.execute("SELECT cdr_ensure_partition(%s)", [month])
                made.append(cursor.fetchone()[0])
        # Remembered only once committed: a rolled-back CREATE TABLE leaves no partition behind.
        transaction.on_commit(lambda: _known_months.update(months))
    return made


STAGE = "cdr_stage"  # a temporary table per connection: the batch, before it is known to be new


def _stage(calls: list[Call], now: datetime) -> None:
    """COPY the batch's calls into this connection's staging table (emptied at commit)."""
    with connection.cursor() as cursor:
        cursor.execute(
            # The CDR table's columns without its constraints (id stays empty here).
            f"CREATE TEMP TABLE IF NOT EXISTS {STAGE} ON COMMIT DELETE ROWS AS SELECT * FROM cdr_cdr WITH NO DATA"  # noqa: S608, E501
        )
        cursor.execute(f"DELETE FROM {STAGE}")  # noqa: S608 - left over only inside an outer transaction
        with cursor.copy(f"COPY {STAGE} ({COLUMNS}) FROM STDIN") as copy:
            copy.write(_copy_text(calls, now))


# The S608 noqa's below: every name put into the SQL is a constant or a model's table name.


def _drop_known() -> set[str]:
    """Record the staged call ids; staged calls whose id was already recorded leave the stage.

    Returns those call ids (replays: stored and charged before)."""
    with connection.cursor() as cursor:
        cursor.execute(
            # Sorted: batches replaying the same ids in other orders wait on each other, never deadlock.
            f"WITH new AS (INSERT INTO cdr_cdrcallid (call_id, start) SELECT call_id, start FROM {STAGE} "  # noqa: S608
            "ORDER BY call_id ON CONFLICT (call_id) DO NOTHING RETURNING call_id) "
            f"DELETE FROM {STAGE} WHERE call_id NOT IN (SELECT call_id FROM new) RETURNING call_id"
        )
        return {row[0] for row in cursor.fetchall()}


def _free_minutes(calls: list[Call]) -> list[Call]:
    """Free Minutes packages cover a new call's billed seconds first; the rest pays the card's rate.

    The packages app answers through a hook (it sits on cdr's layer, so neither imports the other),
    spending the minutes under a row lock in this batch's transaction: a replayed CDR never gets
    here, and a failed batch gives its minutes back. The connect cost is still charged; the charge is
    rounded once, as rate_call does.
    """
    # By customer: concurrent batches lock package rows in one order and cannot deadlock.
    asked = sorted((c for c in calls if c.billed_seconds > 0 and c.sell is not None), key=_by_customer)
    if not asked:
        return []
    questions = [
        {
            "customer_id": c.customer_id,
            "number": c.number,
            "seconds": c.duration,
            "at": c.start,
            "mcd": c.mcd,
            "pulse": c.pulse,
        }
        for c in asked
    ]
    for answers in hooks.collect("free_seconds_for_calls", calls=questions):
        for call, free in zip(asked, answers, strict=True):
            call.free_seconds = min(call.billed_seconds, call.free_seconds + free)
    covered = [call for call in asked if call.free_seconds]
    for call in covered:
        tariff = call.sell
        paid = call.billed_seconds - call.free_seconds
        exact = tariff.connect_cost + tariff.rate * paid / SIXTY
        call.charge = round_to(exact, min(tariff.precision, AMOUNT_PLACES), tariff.rounding)
    return covered


def _by_customer(call: Call) -> int:
    return call.customer_id


def _restage_charges(calls: list[Call]) -> None:
    """Staged calls whose charge free minutes lowered get their new charge before they are stored."""
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {STAGE} SET charge = %s WHERE call_id = %s",  # noqa: S608
            [(call.charge, call.call_id) for call in calls],
        )


def _store() -> int:
    """The staged calls into the CDR table, the hourly rollups, the ledger and the carrier costs,
    each by one set-based statement; the number of customers charged."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO cdr_cdr ({COLUMNS}) SELECT {COLUMNS} FROM {STAGE}")  # noqa: S608
        # Sorted, so concurrent batches lock rollup rows in one order and cannot deadlock.
        cursor.execute(
            "INSERT INTO cdr_cdrhourly (hour, customer_id, carrier_id, prefix, destination, attempts, "  # noqa: S608
            "answered, duration, billed_seconds, revenue, cost) "
            "SELECT date_trunc('hour', start), customer_id, carrier_id, prefix, max(destination), count(*), "
            f"count(answer), sum(duration), sum(billed_seconds), sum(charge), sum(cost) FROM {STAGE} "
            "GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4 "
            "ON CONFLICT ON CONSTRAINT cdr_hourly_key DO UPDATE SET "
            "destination = EXCLUDED.destination, "
            "attempts = cdr_cdrhourly.attempts + EXCLUDED.attempts, "
            "answered = cdr_cdrhourly.answered + EXCLUDED.answered, "
            "duration = cdr_cdrhourly.duration + EXCLUDED.duration, "
            "billed_seconds = cdr_cdrhourly.billed_seconds + EXCLUDED.billed_seconds, "
            "revenue = cdr_cdrhourly.revenue + EXCLUDED.revenue, "
            "cost = cdr_cdrhourly.cost + EXCLUDED.cost"
        )
        cursor.execute(
            f"INSERT INTO {LedgerEntry._meta.db_table} (customer_id, kind, amount, currency, description, "  # noqa: S608
            "created_at) "
            "SELECT customer_id, %s, -sum(charge), currency, "
            "'Call charges: ' || count(*) || CASE WHEN count(*) = 1 THEN ' call' ELSE ' calls' END, now() "
            f"FROM {STAGE} WHERE charge > 0 GROUP BY customer_id, currency ORDER BY customer_id",
            [LedgerKind.CHARGE.value],
        )
        charged = cursor.rowcount
        cursor.execute(
            f"INSERT INTO {CarrierCost._meta.db_table} (carrier_id, amount, currency, calls, created_at) "  # noqa: S608
            f"SELECT carrier_id, sum(cost), carrier_currency, count(*), now() FROM {STAGE} "
            "WHERE cost > 0 AND carrier_id IS NOT NULL "
            "GROUP BY carrier_id, carrier_currency ORDER BY carrier_id"
        )
    return charged


def ingest(
    *, actor, items: list, snapshot: Snapshot | None = None, now: datetime | None = None
) -> IngestResult:
    """Validate, rate, store and charge a batch of CDRs; see the module docstring.

    Raises routing.engine.Unavailable when the routing data cannot be confirmed (the caller retries)
    and DatabaseError when the write fails (nothing of the batch is kept; the caller retries).
    """
    now = now or datetime.now(UTC)
    snap = snapshot or engine.snapshot()
    result = IngestResult()
    checked, errors = validate_batch(snap, items, now)
    for index, exc in errors:
        item = items[index]
        call_id = item.get("call_id") if isinstance(item, dict) else None
        result.outcomes.append(
            Outcome(index, call_id if isinstance(call_id, str) else None, INVALID, exc.field, exc.message)
        )
    calls: list[Call] = []
    seen: set[str] = set()
    for call in checked:
        if call.call_id in seen:
            result.outcomes.append(
                Outcome(call.index, call.call_id, DUPLICATE, "call_id", "Repeated in this batch.")
            )
            continue
        seen.add(call.call_id)
        calls.append(call)
    if calls:
        with transaction.atomic():
            _stage(calls, now)
            known = _drop_known()
            fresh = []
            for call in calls:
                if call.call_id in known:
                    result.outcomes.append(
                        Outcome(
                            call.index,
                            call.call_id,
                            DUPLICATE,
                            "call_id",
                            "Already recorded; nothing charged again.",
                        )
                    )
                else:
                    fresh.append(call)
            if fresh:
                covered = _free_minutes(fresh)
                if covered:
                    _restage_charges(covered)
                ensure_partitions({c.start.date() for c in fresh})
                customers = _store()
                record(
                    actor=actor,
                    action=AuditAction.CDR_INGEST,
                    note=f"{len(fresh)} CDRs stored, {customers} customers charged",
                )
                if customers:
                    versioning.bump(BALANCES)
            result.created = len(fresh)
    result.outcomes.sort(key=lambda o: o.index)
    return result
