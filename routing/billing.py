"""What a call costs: billed seconds from MCD/Pulse, then one per-call rounding to the card's precision.

A call is billed for at least the MCD (minimum call duration); every second past the MCD is billed
in whole Pulse steps. The charge is the connect cost plus the per-minute rate for the billed
seconds, rounded once per call (never per minute or per batch) with the card's rounding method.
A call of zero seconds was never answered past its connect, so it pays the connect cost only.
"""

import math
from decimal import Decimal

from connexcs.money import round_to

SIXTY = Decimal(60)


def billed_seconds(duration: Decimal | int, mcd: int, pulse: int) -> int:
    duration = Decimal(duration)
    if duration < 0:
        raise ValueError("duration must not be negative")
    if mcd < 0 or pulse < 1:
        raise ValueError("MCD must be >= 0 and Pulse >= 1")
    if duration == 0:
        return 0
    if duration <= mcd:
        return mcd
    return mcd + math.ceil((duration - mcd) / pulse) * pulse


def charge(
    *,
    duration: Decimal | int,
    rate: Decimal,
    mcd: int,
    pulse: int,
    connect_cost: Decimal = Decimal(0),
    precision: int = 4,
    rounding: str = "up",
) -> tuple[int, Decimal]:
    """(billed seconds, charge) for one call of `duration` seconds at `rate` per minute."""
    seconds = billed_seconds(duration, mcd, pulse)
    exact = Decimal(connect_cost) + Decimal(rate) * seconds / SIXTY
    return seconds, round_to(exact, precision, rounding)
