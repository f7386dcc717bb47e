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
import ipaddress
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import orjson
from django.db import connection, transaction

from connexcs import hooks, versioning
from connexcs.audit import record
from connexcs.choices import AuditAction
from connexcs.money import AMOUNT_PLACES, RATE_DIGITS, RATE_PLACES, round_to
from customers.choices import LedgerKind
from customers.models import LedgerEntry
from routing.billing import SIXTY, Tariff, rate_call
from routing.engine import Snapshot, engine

from .models import CarrierCost

BALANCES = "balances"  # the version routing processes watch to reload balances
MAX_AGE = timedelta(days=366)  # an older CDR is refused: its month's partition may be archived
MAX_AHEAD = timedelta(hours=1)  # clocks drift, but not by hours
MAX_CALL = timedelta(days=2)
NUMBER_RE = re.compile(r"^[0-9]{1,40}$")
EPOCH_RE = re.compile(r"^[0-9]{9,11}(\.[0-9]{1,6})?$")
ZERO = Decimal(0)
MAX_RATE = Decimal(10) ** (RATE_DIGITS - RATE_PLACES)

CREATED, DUPLICATE, INVALID = 201, 409, 400

_known_months: set[date] = set()  # partitions this process has made sure of


class ItemError(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


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


@dataclass(slots=True)
class Call:
    """A validated, rated CDR, ready to be written."""

    index: int
    call_id: str
    start: datetime
    answer: datetime | None
    end: datetime
    customer_id: int
    route_id: int
    carrier_id: int | None
    gateway: str
    tried: list
    number: str
    prefix: str
    destination: str
    currency: str
    rate: Decimal
    connect_cost: Decimal
    mcd: int
    pulse: int
    carrier_prefix: str
    carrier_rate: Decimal
    carrier_connect_cost: Decimal
    carrier_mcd: int
    carrier_pulse: int
    sip_code: int
    sip_reason: str
    source_ip: str | None
    sip_user: str
    duration: int = 0
    billed_seconds: int = 0
    charge: Decimal = ZERO
    carrier_billed_seconds: int = 0
    cost: Decimal = ZERO
    sell: Tariff | None = None  # kept to re-rate the seconds free minutes do not cover
    free_seconds: int = 0


# --- validation ------------------------------------------------------------------------------------


def _text(item: dict, key: str, *, max_length: int, required: bool = False) -> str:
    value = item.get(key)
    if value is None or value == "":
        if required:
            raise ItemError(key, "This field is required.")
        return ""
    if not isinstance(value, str) or len(value) > max_length:
        raise ItemError(key, f"Text of at most {max_length} characters.")
    if "\x00" in value:
        raise ItemError(key, "Must not contain NUL characters.")
    return value


def _int(item: dict, key: str, *, low: int, high: int, required: bool = False, default=None):
    value = item.get(key)
    if value is None:
        if required:
            raise ItemError(key, "This field is required.")
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ItemError(key, f"A whole number from {low} to {high}.")
    return value


def _decimal(item: dict, key: str, *, required: bool = False, default: Decimal = ZERO) -> Decimal:
    value = item.get(key)
    if value is None or value == "":
        if required:
            raise ItemError(key, "This field is required.")
        return default
    if isinstance(value, bool) or not isinstance(value, str | int):
        # Floats lose digits of a price: money travels as a decimal string.
        raise ItemError(key, 'A decimal number as a JSON string, e.g. "0.0125".')
    try:
        amount = Decimal(value)
    except InvalidOperation as exc:
        raise ItemError(key, 'A decimal number, e.g. "0.0125".') from exc
    if not amount.is_finite() or amount < 0 or amount >= MAX_RATE:
        raise ItemError(key, "Must be zero or more (and a sane amount).")
    if amount.as_tuple().exponent < -RATE_PLACES:
        raise ItemError(key, f"At most {RATE_PLACES} decimal places.")
    return amount


def _time(item: dict, key: str, *, required: bool) -> datetime | None:
    value = item.get(key)
    if value is None or value == "" or value == 0:
        if required:
            raise ItemError(key, "This field is required.")
        return None
    if isinstance(value, bool):
        raise ItemError(key, "An ISO 8601 time with a zone, or Unix seconds.")
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise ItemError(key, "Unix seconds out of range.") from exc
    if not isinstance(value, str) or len(value) > 40:
        raise ItemError(key, "An ISO 8601 time with a zone, or Unix seconds.")
    if EPOCH_RE.match(value):  # Kamailio's $TV(Sn): "seconds.microseconds" as text
        return _time({key: float(value)}, key, required=required)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ItemError(key, "An ISO 8601 time with a zone, e.g. 2026-11-23T12:00:00Z.") from exc
    if moment.tzinfo is None:
        raise ItemError(key, "Give the time zone (e.g. a trailing Z for UTC).")
    return moment.astimezone(UTC)


def _tried(item: dict) -> list:
    value = item.get("tried")
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > 50:
        raise ItemError("tried", "A list of at most 50 attempts.")
    out = []
    for attempt in value:
        if not isinstance(attempt, dict):
            raise ItemError("tried", "Each attempt is an object {carrier_id, gateway, code}.")
        carrier_id, gateway, code = attempt.get("carrier_id"), attempt.get("gateway", ""), attempt.get("code")
        if carrier_id is not None and (isinstance(carrier_id, bool) or not isinstance(carrier_id, int)):
            raise ItemError("tried", "carrier_id of an attempt is a whole number.")
        if not isinstance(gateway, str) or len(gateway) > 300:
            raise ItemError("tried", "gateway of an attempt is text of at most 300 characters.")
        if code is not None and (
            isinstance(code, bool) or not isinstance(code, int) or not 100 <= code <= 699
        ):
            raise ItemError("tried", "code of an attempt is a SIP code from 100 to 699.")
        out.append({"carrier_id": carrier_id, "gateway": gateway, "code": code})
    return out


@lru_cache(maxsize=4096)  # calls come from a small set of addresses
def _address(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError as exc:
        raise ItemError("source_ip", f"{value[:50]!r} is not an IP address.") from exc


def _ip(item: dict) -> str | None:
    value = item.get("source_ip")
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ItemError("source_ip", "An IP address as a JSON string.")
    return _address(value)


def validate(snap: Snapshot, index: int, item, now: datetime) -> Call:
    """One item checked against the snapshot and rated; ItemError names the first bad field."""
    if not isinstance(item, dict):
        raise ItemError("body", "Each CDR is a JSON object.")
    call_id = _text(item, "call_id", max_length=255, required=True)
    customer_id = _int(item, "customer_id", low=1, high=2**63 - 1, required=True)
    customer = snap.customers.get(customer_id)
    if customer is None:
        raise ItemError("customer_id", f"No customer {customer_id}.")
    route_id = _int(item, "route_id", low=1, high=2**63 - 1, required=True)
    route = next((r for r in snap.routes.get(customer_id, ()) if r.id == route_id), None)
    if route is None:
        raise ItemError("route_id", f"Customer {customer_id} has no enabled ingress route {route_id}.")
    card = snap.cards.get(route.card_id)
    if card is None or card.revision_id not in snap.indexes:
        raise ItemError("route_id", "The route's rate card has no published revision.")
    if card.currency != customer.currency:
        raise ItemError(
            "route_id", f"The route's card is in {card.currency}; the customer pays in {customer.currency}."
        )
    number = _text(item, "number", max_length=40, required=True).removeprefix("+")
    if not NUMBER_RE.match(number):
        raise ItemError("number", "Digits only (the number after the tech prefix).")
    match = snap.indexes[card.revision_id].longest(number)
    if match is None:
        raise ItemError("number", f"The card {card.name!r} has no prefix for this number.")
    prefix, row = match
    sent_prefix = _text(item, "prefix", max_length=20)
    if sent_prefix and sent_prefix != prefix:
        raise ItemError("prefix", f"The card matches prefix {prefix} for this number, not {sent_prefix}.")
    rate = _decimal(item, "rate", required=True)
    if rate != row.rate:
        raise ItemError("rate", f"Disagrees with the card: {row.rate} per minute for prefix {prefix}.")
    carrier_id = _int(item, "carrier_id", low=1, high=2**63 - 1)
    if carrier_id is not None and carrier_id not in snap.carriers:
        raise ItemError("carrier_id", f"No carrier {carrier_id}.")
    start = _time(item, "start", required=True)
    if start < now - MAX_AGE or start > now + MAX_AHEAD:
        raise ItemError("start", "Not within the last year (or more than an hour ahead).")
    end = _time(item, "end", required=True)
    if end < start:
        raise ItemError("end", "Before the start.")
    if end - start > MAX_CALL:
        raise ItemError("end", "A call of more than two days.")
    answer = _time(item, "answer", required=False)
    if answer is not None and not start <= answer <= end:
        raise ItemError("answer", "Must be between start and end.")
    duration = item.get("duration")
    measured = None
    if duration is not None:
        if isinstance(duration, bool) or not isinstance(duration, int | float | str):
            raise ItemError("duration", "Answered seconds, a number.")
        try:
            measured = Decimal(str(duration))
        except InvalidOperation as exc:
            raise ItemError("duration", "Answered seconds, a number.") from exc
        if not measured.is_finite() or measured < 0:
            raise ItemError("duration", "Must not be negative.")
        if answer is None and measured > 0:
            raise ItemError("duration", "A call that was not answered has no duration.")
        if answer is not None and measured > Decimal((end - answer).total_seconds()) + 1:
            raise ItemError("duration", "Longer than from answer to end.")
    elif answer is not None:
        measured = Decimal((end - answer).total_seconds()).quantize(Decimal("0.001"))
    sip_code = _int(item, "sip_code", low=100, high=699, required=True)
    billing = item.get("carrier_billing") or {}
    if not isinstance(billing, dict):
        raise ItemError("carrier_billing", "An object {mcd, pulse}.")
    carrier_mcd = _int(billing, "mcd", low=0, high=3600, default=1)
    carrier_pulse = _int(billing, "pulse", low=1, high=3600, default=1)
    call = Call(
        index=index,
        call_id=call_id,
        start=start,
        answer=answer,
        end=end,
        customer_id=customer_id,
        route_id=route_id,
        carrier_id=carrier_id,
        gateway=_text(item, "gateway", max_length=300),
        tried=_tried(item),
        number=number,
        prefix=prefix,
        destination=row.name[:150],
        currency=card.currency,
        rate=row.rate,
        connect_cost=row.connect_cost,
        mcd=row.mcd,
        pulse=row.pulse,
        carrier_prefix=_text(item, "carrier_prefix", max_length=20),
        carrier_rate=_decimal(item, "cost"),
        carrier_connect_cost=_decimal(item, "carrier_connect_cost"),
        carrier_mcd=carrier_mcd,
        carrier_pulse=carrier_pulse,
        sip_code=sip_code,
        sip_reason=_text(item, "sip_reason", max_length=150),
        source_ip=_ip(item),
        sip_user=_text(item, "sip_user", max_length=64),
    )
    answered = measured if answer is not None else None
    sell = Tariff(
        row.rate, row.connect_cost, row.mcd, row.pulse, card.precision, card.rounding, card.duration_rounding
    )
    call.duration, call.billed_seconds, call.charge = rate_call(sell, answered_seconds=answered)
    call.sell = sell
    if carrier_id is not None:
        # Routed costs are in the customer card's currency; rounded like the sale (as the simulator).
        buy = Tariff(
            call.carrier_rate,
            call.carrier_connect_cost,
            carrier_mcd,
            carrier_pulse,
            card.precision,
            card.rounding,
            card.duration_rounding,
        )
        _, call.carrier_billed_seconds, call.cost = rate_call(buy, answered_seconds=answered)
    return call


# --- writing ---------------------------------------------------------------------------------------

COLUMNS = (
    'call_id, start, answer, "end", duration, customer_id, ingress_route_id, carrier_id, gateway, tried, '
    "number, prefix, destination, currency, rate, connect_cost, mcd, pulse, carrier_currency, "
    "carrier_prefix, carrier_rate, carrier_connect_cost, carrier_mcd, carrier_pulse, sip_code, sip_reason, "
    "source_ip, sip_user, billed_seconds, charge, carrier_billed_seconds, cost, created_at"
)
NULL = "\\N"  # COPY's NULL
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _esc(text: str) -> str:
    return text.translate(_ESCAPES) if text else text


def _copy_text(calls: list[Call], now: datetime) -> str:
    """COPY text-format lines for the new calls (one string: one write, one round trip)."""
    created = now.isoformat()
    out = io.StringIO()
    write = out.write
    for c in calls:
        write(
            f"{_esc(c.call_id)}\t{c.start.isoformat()}\t{c.answer.isoformat() if c.answer else NULL}\t"
            f"{c.end.isoformat()}\t{c.duration}\t{c.customer_id}\t{c.route_id}\t"
            f"{c.carrier_id if c.carrier_id is not None else NULL}\t{_esc(c.gateway)}\t"
            f"{_esc(orjson.dumps(c.tried).decode()) if c.tried else '[]'}\t{c.number}\t{c.prefix}\t"
            f"{_esc(c.destination)}\t{c.currency}\t{c.rate}\t{c.connect_cost}\t{c.mcd}\t{c.pulse}\t"
            f"{c.currency if c.carrier_id is not None else ''}\t{_esc(c.carrier_prefix)}\t{c.carrier_rate}\t"
            f"{c.carrier_connect_cost}\t{c.carrier_mcd}\t{c.carrier_pulse}\t{c.sip_code}\t{_esc(c.sip_reason)}\t"
            f"{c.source_ip or NULL}\t{_esc(c.sip_user)}\t{c.billed_seconds}\t{c.charge}\t"
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
            f"WITH new AS (INSERT INTO cdr_cdrcallid (call_id, start) SELECT call_id, start FROM {STAGE} "  # noqa: S608
            "ON CONFLICT (call_id) DO NOTHING RETURNING call_id) "
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
    asked = [c for c in calls if c.billed_seconds > 0 and c.sell is not None]
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
    calls: list[Call] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        try:
            call = validate(snap, index, item, now)
        except ItemError as exc:
            call_id = item.get("call_id") if isinstance(item, dict) else None
            result.outcomes.append(
                Outcome(index, call_id if isinstance(call_id, str) else None, INVALID, exc.field, exc.message)
            )
            continue
        if call.call_id in seen:
            result.outcomes.append(
                Outcome(index, call.call_id, DUPLICATE, "call_id", "Repeated in this batch.")
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
