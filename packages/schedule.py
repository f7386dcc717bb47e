"""When a package bills: its Frequency and Frequency Match as dates (the billing run's SQL says the same).

A billing date starts a period that runs to the next billing date. The rules:

- One-off: the start date only.
- Daily: every day from the start date.
- Weekly: the ISO weekdays in Frequency Match (1 = Monday ... 7 = Sunday); empty: the start's weekday.
- Monthly: the days of the month in Frequency Match; empty: the start's day. A day the month lacks
  bills on the month's last day (31 -> 30 April, 28 or 29 February), once even if 30 and 31 are both set.
- Yearly: the start's month and day every year; 29 February bills on 28 February in other years.

No date before the start date bills. The days between the start and the first billing date are free
(the Setup Retail is charged at assignment).
"""

import calendar
from datetime import date, timedelta

from .choices import Frequency

# The longest gap between two billing dates: a yearly package's (366 days in a leap year).
_HORIZON = 367


def last_day(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def effective_match(frequency: str, match: list[int], start: date) -> list[int]:
    if frequency == Frequency.WEEKLY:
        return list(match) or [start.isoweekday()]
    if frequency == Frequency.MONTHLY:
        return list(match) or [start.day]
    return []


def is_billing_date(frequency: str, match: list[int], start: date, day: date) -> bool:
    if day < start:
        return False
    if frequency == Frequency.ONE_OFF:
        return day == start
    if frequency == Frequency.DAILY:
        return True
    days = effective_match(frequency, match, start)
    if frequency == Frequency.WEEKLY:
        return day.isoweekday() in days
    if frequency == Frequency.MONTHLY:
        return any(min(m, last_day(day)) == day.day for m in days)
    if frequency == Frequency.YEARLY:
        return day.month == start.month and day.day == min(start.day, last_day(day))
    raise ValueError(f"unknown frequency {frequency!r}")


def next_billing_date(frequency: str, match: list[int], start: date, after: date | None) -> date | None:
    """The first billing date after `after` (on or after the start when `after` is None); None if none."""
    day = start if after is None or after < start else after + timedelta(days=1)
    if frequency == Frequency.ONE_OFF:
        return start if day <= start else None
    for _ in range(_HORIZON):
        if is_billing_date(frequency, match, start, day):
            return day
        day += timedelta(days=1)
    return None


def period_start(frequency: str, match: list[int], start: date, day: date) -> date:
    """The start of the period `day` falls in: the latest billing date on or before it, else the start."""
    if frequency == Frequency.ONE_OFF or day <= start:
        return start
    probe = day
    for _ in range(_HORIZON):
        if probe <= start:
            return start
        if is_billing_date(frequency, match, start, probe):
            return probe
        probe -= timedelta(days=1)
    return start


def upcoming(
    frequency: str, match: list[int], start: date, last_billed: date | None, today: date
) -> date | None:
    """The next billing date not yet charged, today or later (what the Packages tab shows)."""
    after = today - timedelta(days=1)
    if last_billed is not None and last_billed > after:
        after = last_billed
    return next_billing_date(frequency, match, start, after)
