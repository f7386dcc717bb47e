"""One CDR checked and rated: `validate_batch(snap, items, now)` -> (calls, errors).

The shape of every item (types, lengths, ranges, required fields) is checked by msgspec in C, the
whole batch in one call; only when that fails are the items converted one by one, so each bad item
gets its own error naming its field. What needs the routing snapshot (the customer, the route, the
card's prefix and rate), the times and the money are checked here in Python, with the card's tariff
and each (tariff, whole seconds) charge computed once (routing.billing.rate_seconds).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Annotated

import msgspec
from msgspec import Meta, Struct

from connexcs.money import RATE_DIGITS, RATE_PLACES
from routing.billing import Tariff, rate_seconds, round_duration
from routing.engine import Snapshot

MAX_AGE = timedelta(days=366)  # an older CDR is refused: its month's partition may be archived
MAX_AHEAD = timedelta(hours=1)  # clocks drift, but not by hours
MAX_CALL = timedelta(days=2)
NUMBER_RE = re.compile(r"^[0-9]{1,40}$")
EPOCH_RE = re.compile(r"^[0-9]{9,11}(\.[0-9]{1,6})?$")
# The caller's number as SIP carries it: a user part (RFC 3261 unreserved, escapes, user-unreserved).
CLI_RE = re.compile(r"^[A-Za-z0-9\-_.!~*'()&=+$,;?/%#]{1,64}$")
ZERO = Decimal(0)
_COPY_ESCAPED = re.compile(r"[\\\t\n\r]")
MAX_RATE = Decimal(10) ** (RATE_DIGITS - RATE_PLACES)
ONE_US = timedelta(microseconds=1)
MS = Decimal("0.001")

Id = Annotated[int, Meta(ge=1, le=2**63 - 1)]
Time = str | int | float  # ISO 8601 with a zone, Unix seconds, or Kamailio's "seconds.micro" text
Money = str | int  # floats lose digits of a price: money travels as a decimal string


def _text(length: int):
    return Annotated[str, Meta(max_length=length)]


class Attempt(Struct):
    carrier_id: int | None = None
    gateway: _text(300) = ""
    code: Annotated[int, Meta(ge=100, le=699)] | None = None


class Billing(Struct):
    mcd: Annotated[int, Meta(ge=0, le=3600)] = 1
    pulse: Annotated[int, Meta(ge=1, le=3600)] = 1


class Item(Struct):
    """A CDR as the switch sends it; unknown keys are ignored."""

    call_id: _text(255)
    customer_id: Id
    route_id: Id
    number: _text(40)
    rate: Money
    start: Time
    end: Time
    sip_code: Annotated[int, Meta(ge=100, le=699)]
    answer: Time | None = None
    duration: int | float | str | None = None
    prefix: _text(20) | None = None
    carrier_id: Id | None = None
    carrier_prefix: _text(20) | None = None
    cost: Money | None = None
    carrier_connect_cost: Money | None = None
    carrier_billing: Billing | None = None
    gateway: _text(300) | None = None
    tried: Annotated[list[Attempt], Meta(max_length=50)] | None = None
    sip_reason: _text(150) | None = None
    source_ip: str | None = None
    sip_user: _text(64) | None = None
    cli: _text(64) | None = None


_TEXTS = ("call_id", "number", "prefix", "carrier_prefix", "gateway", "sip_reason", "sip_user", "cli")
_REQUIRED = {"call_id", "customer_id", "route_id", "number", "rate", "start", "end", "sip_code"}
_MONEY = 'A decimal number as a JSON string, e.g. "0.0125".'
_TIME = "An ISO 8601 time with a zone, or Unix seconds."
# What a bad value of each field should have been (msgspec's own words for the rest).
_MESSAGES = {
    "customer_id": f"A whole number from 1 to {2**63 - 1}.",
    "route_id": f"A whole number from 1 to {2**63 - 1}.",
    "carrier_id": f"A whole number from 1 to {2**63 - 1}.",
    "sip_code": "A whole number from 100 to 699.",
    "rate": _MONEY,
    "cost": _MONEY,
    "carrier_connect_cost": _MONEY,
    "start": _TIME,
    "end": _TIME,
    "answer": _TIME,
    "duration": "Answered seconds, a number.",
    "carrier_billing": "An object {mcd, pulse}: whole seconds, pulse at least 1.",
    "tried": "A list of at most 50 attempts {carrier_id, gateway, code (a SIP code)}.",
    "source_ip": "An IP address as a JSON string.",
}
_LENGTHS = {"call_id": 255, "number": 40, "prefix": 20, "carrier_prefix": 20, "gateway": 300}
_LENGTHS |= {"sip_reason": 150, "sip_user": 64, "cli": 64}
_MISSING_RE = re.compile(r"missing required field `([^`]+)`")
_PATH_RE = re.compile(r"at `\$(?:\[\d+\])?\.?([A-Za-z_]*)")


class ItemError(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def _shape_error(raw, exc: msgspec.ValidationError) -> ItemError:
    """msgspec's error ("Expected `int`, got `str` - at `$.route_id`") as a field and our message."""
    text = str(exc)
    missing = _MISSING_RE.search(text)
    path = _PATH_RE.search(text)
    name = missing.group(1) if missing else (path.group(1) if path else "")
    if not name:
        return ItemError("body", "Each CDR is a JSON object.")
    value = raw.get(name) if isinstance(raw, dict) else None
    if missing or (name in _REQUIRED and value in (None, "")):
        return ItemError(name, "This field is required.")
    if name in _LENGTHS:
        return ItemError(name, f"Text of at most {_LENGTHS[name]} characters.")
    return ItemError(name, _MESSAGES.get(name, text.split(" - at ")[0] + "."))


@lru_cache(maxsize=8192)  # prices repeat: a card has few distinct rates
def _parse_money(value: str | int) -> Decimal | str:
    """The amount, or what is wrong with it (exceptions are not cached)."""
    if isinstance(value, str):
        try:
            amount = Decimal(value)
        except InvalidOperation:
            return 'A decimal number, e.g. "0.0125".'
    else:
        amount = Decimal(value)
    if not amount.is_finite() or amount < 0 or amount >= MAX_RATE:
        return "Must be zero or more (and a sane amount)."
    if amount.as_tuple().exponent < -RATE_PLACES:
        return f"At most {RATE_PLACES} decimal places."
    return amount


def _money(value, key: str, *, required: bool = False) -> Decimal:
    if value is None or value == "":
        if required:
            raise ItemError(key, "This field is required.")
        return ZERO
    amount = _parse_money(value)
    if isinstance(amount, str):
        raise ItemError(key, amount)
    return amount


def _time(value, key: str, *, required: bool) -> datetime | None:
    if value is None or value == "" or value == 0:
        if required:
            raise ItemError(key, "This field is required.")
        return None
    if isinstance(value, str):
        if len(value) > 40:
            raise ItemError(key, _TIME)
        if EPOCH_RE.match(value):  # Kamailio's $TV(Sn): "seconds.microseconds" as text
            value = float(value)
        else:
            try:
                moment = datetime.fromisoformat(value)
            except ValueError as exc:
                raise ItemError(key, "An ISO 8601 time with a zone, e.g. 2026-11-23T12:00:00Z.") from exc
            if moment.tzinfo is None:
                raise ItemError(key, "Give the time zone (e.g. a trailing Z for UTC).")
            return moment if moment.tzinfo is UTC else moment.astimezone(UTC)
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise ItemError(key, "Unix seconds out of range.") from exc


@lru_cache(maxsize=4096)  # calls come from a small set of addresses
def _address(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError as exc:
        raise ItemError("source_ip", f"{value[:50]!r} is not an IP address.") from exc


def _measured(item: Item, answer: datetime | None, end: datetime) -> Decimal | None:
    """Answered seconds (milliseconds kept), from `duration` or from answer to end."""
    duration = item.duration
    if duration is None:
        if answer is None:
            return None
        return Decimal((end - answer) // ONE_US).scaleb(-6).quantize(MS)
    try:
        measured = Decimal(str(duration)) if isinstance(duration, float) else Decimal(duration)
    except InvalidOperation as exc:
        raise ItemError("duration", "Answered seconds, a number.") from exc
    if not measured.is_finite() or measured < 0:
        raise ItemError("duration", "Must not be negative.")
    if answer is None:
        if measured > 0:
            raise ItemError("duration", "A call that was not answered has no duration.")
        return None
    if measured > (end - answer).total_seconds() + 1:
        raise ItemError("duration", "Longer than from answer to end.")
    return measured


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
    cli: str
    duration: int = 0
    billed_seconds: int = 0
    charge: Decimal = ZERO
    carrier_billed_seconds: int = 0
    cost: Decimal = ZERO
    sell: Tariff | None = None  # kept to re-rate the seconds free minutes do not cover
    free_seconds: int = 0
    plain: bool = False  # no text field holds a character COPY escapes (backslash, tab, CR, LF)


def _routes(snap: Snapshot) -> dict:
    """(customer id, route id) -> the enabled route, built once per snapshot."""
    routes = snap.cdr_tariffs.get(("routes",))
    if routes is None:
        routes = {(cid, r.id): r for cid, rs in snap.routes.items() for r in rs}
        snap.cdr_tariffs[("routes",)] = routes
    return routes


def _sell_tariff(snap: Snapshot, card, row) -> Tariff:
    key = ("sell", card.id, id(row))  # rows live as long as the snapshot
    tariff = snap.cdr_tariffs.get(key)
    if tariff is None:
        tariff = Tariff(
            row.rate,
            row.connect_cost,
            row.mcd,
            row.pulse,
            card.precision,
            card.rounding,
            card.duration_rounding,
        )
        snap.cdr_tariffs[key] = tariff
    return tariff


def _buy_tariff(snap: Snapshot, card, rate: Decimal, connect: Decimal, billing: Billing | None) -> Tariff:
    mcd, pulse = (billing.mcd, billing.pulse) if billing is not None else (1, 1)
    key = (card.id, rate, connect, mcd, pulse)
    tariff = snap.cdr_tariffs.get(key)
    if tariff is None:
        # Routed costs are in the customer card's currency; rounded like the sale (as the simulator).
        tariff = Tariff(rate, connect, mcd, pulse, card.precision, card.rounding, card.duration_rounding)
        snap.cdr_tariffs[key] = tariff
    return tariff


def validate(snap: Snapshot, index: int, raw, now: datetime) -> Call:
    """One item checked against the snapshot and rated; ItemError names the first bad field."""
    try:
        item = msgspec.convert(raw, Item)
    except msgspec.ValidationError as exc:
        raise _shape_error(raw, exc) from None
    return check(snap, index, item, now)


def check(snap: Snapshot, index: int, item: Item, now: datetime, window: tuple | None = None) -> Call:
    """An item of the right shape checked against the snapshot and rated; `window` is
    (earliest, latest) start, from `now` when not given."""
    texts = (
        f"{item.call_id}{item.number}{item.prefix}{item.carrier_prefix}{item.gateway}{item.sip_reason}"
        f"{item.sip_user}{item.cli}"
    )
    if "\x00" in texts:  # one test for all the text fields; which one, only when one has it
        name = next(name for name in _TEXTS if "\x00" in (getattr(item, name) or ""))
        raise ItemError(name, "Must not contain NUL characters.")
    plain = _COPY_ESCAPED.search(texts) is None  # as rare: a character COPY must escape
    if not item.call_id:
        raise ItemError("call_id", "This field is required.")
    customer = snap.customers.get(item.customer_id)
    if customer is None:
        raise ItemError("customer_id", f"No customer {item.customer_id}.")
    route_id = item.route_id
    route = _routes(snap).get((item.customer_id, route_id))
    if route is None:
        raise ItemError("route_id", f"Customer {item.customer_id} has no enabled ingress route {route_id}.")
    card = snap.cards.get(route.card_id)
    if card is None or card.revision_id not in snap.indexes:
        raise ItemError("route_id", "The route's rate card has no published revision.")
    if card.currency != customer.currency:
        raise ItemError(
            "route_id", f"The route's card is in {card.currency}; the customer pays in {customer.currency}."
        )
    number = item.number.removeprefix("+")
    if not number:
        raise ItemError("number", "This field is required.")
    if not NUMBER_RE.match(number):
        raise ItemError("number", "Digits only (the number after the tech prefix).")
    match = snap.indexes[card.revision_id].longest(number)
    if match is None:
        raise ItemError("number", f"The card {card.name!r} has no prefix for this number.")
    prefix, row = match
    if item.prefix and item.prefix != prefix:
        raise ItemError("prefix", f"The card matches prefix {prefix} for this number, not {item.prefix}.")
    if _money(item.rate, "rate", required=True) != row.rate:
        raise ItemError("rate", f"Disagrees with the card: {row.rate} per minute for prefix {prefix}.")
    carrier_id = item.carrier_id
    if carrier_id is not None and carrier_id not in snap.carriers:
        raise ItemError("carrier_id", f"No carrier {carrier_id}.")
    start = _time(item.start, "start", required=True)
    earliest, latest = window or (now - MAX_AGE, now + MAX_AHEAD)
    if start < earliest or start > latest:
        raise ItemError("start", "Not within the last year (or more than an hour ahead).")
    end = _time(item.end, "end", required=True)
    if end < start:
        raise ItemError("end", "Before the start.")
    if end - start > MAX_CALL:
        raise ItemError("end", "A call of more than two days.")
    answer = _time(item.answer, "answer", required=False)
    if answer is not None and not start <= answer <= end:
        raise ItemError("answer", "Must be between start and end.")
    answered = _measured(item, answer, end)
    cli = item.cli or ""
    if cli and not CLI_RE.match(cli):
        raise ItemError("cli", "The caller's number or SIP user: letters, digits and + - _ . ( ) etc.")
    carrier_rate = _money(item.cost, "cost")
    carrier_connect = _money(item.carrier_connect_cost, "carrier_connect_cost")
    billing = item.carrier_billing
    sell = _sell_tariff(snap, card, row)
    call = Call(
        index=index,
        call_id=item.call_id,
        start=start,
        answer=answer,
        end=end,
        customer_id=item.customer_id,
        route_id=route_id,
        carrier_id=carrier_id,
        gateway=item.gateway or "",
        tried=item.tried or [],
        number=number,
        prefix=prefix,
        destination=row.name[:150],
        currency=card.currency,
        rate=row.rate,
        connect_cost=row.connect_cost,
        mcd=row.mcd,
        pulse=row.pulse,
        carrier_prefix=item.carrier_prefix or "",
        carrier_rate=carrier_rate,
        carrier_connect_cost=carrier_connect,
        carrier_mcd=billing.mcd if billing is not None else 1,
        carrier_pulse=billing.pulse if billing is not None else 1,
        sip_code=item.sip_code,
        sip_reason=item.sip_reason or "",
        source_ip=_address(item.source_ip) if item.source_ip else None,
        sip_user=item.sip_user or "",
        cli=cli,
        sell=sell,
        plain=plain,
    )
    if answered is not None:  # as routing.billing.rate_call, with the rounding of seconds done once
        seconds = call.duration = round_duration(answered, card.duration_rounding)
        call.billed_seconds, call.charge = rate_seconds(sell, seconds)
        if carrier_id is not None:
            buy = _buy_tariff(snap, card, carrier_rate, carrier_connect, billing)
            call.carrier_billed_seconds, call.cost = rate_seconds(buy, seconds)
    return call


def validate_batch(
    snap: Snapshot, items: list, now: datetime
) -> tuple[list[Call], list[tuple[int, ItemError]]]:
    """Every item checked: the calls in order, and (index, error) for the refused ones."""
    try:
        shaped = msgspec.convert(items, list[Item])
    except msgspec.ValidationError:
        shaped = None  # some item is misshapen: convert them one by one, to name each one's field
    calls, errors = [], []
    for index, raw in enumerate(items):
        try:
            calls.append(
                check(snap, index, shaped[index], now)
                if shaped is not None
                else validate(snap, index, raw, now)
            )
        except ItemError as exc:
            errors.append((index, exc))
    return calls, errors
