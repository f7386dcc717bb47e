"""Rating in one place: what a call costs the customer and what the carrier is paid for it.

The reference's rules (billing-basics.md):
- Duration rounding: a call's measured length (milliseconds) becomes whole seconds with the card's
  duration-rounding method: Full-Down, Full-Up, Half-Up or Half-Down.
- Billing increments MCD/Pulse: an answered call is billed for at least the MCD (minimum call
  duration), every second past it in whole Pulse steps. A 0 s answered call bills the MCD.
- The connect cost is charged on answer only; an unanswered call costs nothing.
- The charge is connect cost + per-minute rate x billed seconds / 60, rounded once per call (never
  per minute or per batch) with the card's rounding method and precision. Money moves in the ledger
  with AMOUNT_PLACES decimals, so a call's charge is cut to at most that many places (the card's
  precision when it is smaller) in that single rounding.
"""

import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal
from functools import lru_cache

from connexcs.money import AMOUNT_PLACES, Rounding, round_to

SIXTY = Decimal(60)
ZERO = Decimal(0)

_DURATION_ROUNDING = {
    Rounding.UP: ROUND_CEILING,  # Full-Up
    Rounding.DOWN: ROUND_FLOOR,  # Full-Down
    Rounding.HALF_UP: ROUND_HALF_UP,
    Rounding.HALF_DOWN: ROUND_HALF_DOWN,
}


def round_duration(seconds: Decimal | int | float, method: str = Rounding.UP) -> int:
    """Whole seconds from a measured duration, with a card's duration-rounding method."""
    value = Decimal(str(seconds)) if isinstance(seconds, float) else Decimal(seconds)
    if value < 0:
        raise ValueError("duration must not be negative")
    mode = _DURATION_ROUNDING.get(method) or _DURATION_ROUNDING[Rounding(method)]  # str keys match
    return int(value.to_integral_value(rounding=mode))


def billed_seconds(duration: Decimal | int, mcd: int, pulse: int, *, answered: bool = True) -> int:
    """Seconds billed for a call of `duration` whole (or measured) seconds on MCD/Pulse billing."""
    if not isinstance(duration, int):  # whole seconds (the usual case) stay in int arithmetic
        duration = Decimal(duration)
    if duration < 0:
        raise ValueError("duration must not be negative")
    if mcd < 0 or pulse < 1:
        raise ValueError("MCD must be >= 0 and Pulse >= 1")
    if not answered:
        return 0
    if duration <= mcd:
        return mcd
    if isinstance(duration, int):
        return mcd + -(-(duration - mcd) // pulse) * pulse  # ceil, exactly, in ints
    return mcd + math.ceil((duration - mcd) / pulse) * pulse


def charge(
    *,
    duration: Decimal | int,
    rate: Decimal,
    mcd: int,
    pulse: int,
    connect_cost: Decimal = ZERO,
    precision: int = 4,
    rounding: str = "up",
    answered: bool = True,
) -> tuple[int, Decimal]:
    """(billed seconds, charge) for one call of `duration` seconds at `rate` per minute."""
    seconds = billed_seconds(duration, mcd, pulse, answered=answered)
    if not answered:
        return 0, round_to(ZERO, precision, rounding)
    exact = Decimal(connect_cost) + Decimal(rate) * seconds / SIXTY
    return seconds, round_to(exact, precision, rounding)


@dataclass(frozen=True, slots=True)
class Tariff:
    """One side of a call's price as routed: per-minute rate, connect cost, MCD/Pulse, and the
    card's rounding (precision, method, duration rounding)."""

    rate: Decimal
    connect_cost: Decimal = ZERO
    mcd: int = 1
    pulse: int = 1
    precision: int = 4
    rounding: str = Rounding.UP
    duration_rounding: str = Rounding.UP


def rate_call(tariff: Tariff, *, answered_seconds: Decimal | int | None) -> tuple[int, int, Decimal]:
    """(whole seconds, billed seconds, amount) of one call; `answered_seconds` None = not answered.

    The amount is rounded once with the card's method to min(card precision, AMOUNT_PLACES).
    """
    if answered_seconds is None:
        return 0, 0, ZERO
    seconds = round_duration(answered_seconds, tariff.duration_rounding)
    return (seconds, *rate_seconds(tariff, seconds))


@lru_cache(maxsize=1 << 16)  # CDR ingest rates millions of calls over few (tariff, seconds) pairs
def rate_seconds(tariff: Tariff, seconds: int) -> tuple[int, Decimal]:
    """(billed seconds, amount) of an answered call of `seconds` whole seconds (see rate_call).

    The same arithmetic as charge() (a property test holds them equal), without its argument
    checks and conversions: a Tariff's fields are already Decimals and ints, and ingest misses this
    cache for most calls (every tariff meets every duration)."""
    mcd, pulse = tariff.mcd, tariff.pulse
    billed = mcd if seconds <= mcd else mcd + -(-(seconds - mcd) // pulse) * pulse
    exact = tariff.connect_cost + tariff.rate * billed / SIXTY
    return billed, round_to(exact, min(tariff.precision, AMOUNT_PLACES), tariff.rounding)


def max_duration(
    *, credit: Decimal, rate: Decimal, connect_cost: Decimal, mcd: int, pulse: int, limit: int
) -> int:
    """Credit control: the longest call (seconds, at most `limit`) the credit left pays for.

    Never below what the MCD needs (a call that may start is allowed its minimum), and a free
    destination keeps the route's limit.
    """
    if rate <= 0:
        return limit
    spendable = credit - max(connect_cost, ZERO)
    seconds = int((spendable * SIXTY / rate).to_integral_value(rounding=ROUND_FLOOR)) if spendable > 0 else 0
    if seconds > mcd and pulse > 1:
        seconds = mcd + (seconds - mcd) // pulse * pulse  # a started pulse is billed in full
    return max(min(seconds, limit), min(mcd, limit), 1)
