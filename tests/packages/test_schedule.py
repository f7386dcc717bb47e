"""Each Frequency billed by the real billing run, day after day on a travelling clock (time-machine),
across month ends and leap years; the Python schedule (the tab's Next Billing Date) agrees with it."""

import datetime as dt

import pytest
import time_machine

from packages import schedule
from packages.models import PackageCharge
from packages.services import customer_package_assign, packages_bill
from tests.factories import AdminFactory, CustomerFactory, PackageFactory

pytestmark = pytest.mark.django_db

D = dt.date


def run_daily(first: dt.date, last: dt.date, step: int = 1) -> None:
    day = first
    while day <= last:
        with time_machine.travel(dt.datetime(day.year, day.month, day.day, 3, tzinfo=dt.UTC), tick=False):
            packages_bill()
        day += dt.timedelta(days=step)


def charged(assignment) -> list[dt.date]:
    return sorted(
        PackageCharge.objects.filter(customer_package=assignment, kind="recurring").values_list(
            "period", flat=True
        )
    )


CASES = [
    # (frequency, match, start, last day run, billing dates)
    (
        "monthly",
        [15, 31],
        D(2028, 1, 10),
        D(2028, 5, 1),
        [
            D(2028, 1, 15),
            D(2028, 1, 31),
            D(2028, 2, 15),
            D(2028, 2, 29),
            D(2028, 3, 15),
            D(2028, 3, 31),
            D(2028, 4, 15),
            D(2028, 4, 30),
        ],
    ),
    # 30 and 31 both fall on 28 February in a common year: billed once that day.
    ("monthly", [30, 31], D(2027, 2, 1), D(2027, 3, 31), [D(2027, 2, 28), D(2027, 3, 30), D(2027, 3, 31)]),
    # No Frequency Match: the start's day, the month's last day when it is shorter.
    (
        "monthly",
        [],
        D(2028, 1, 31),
        D(2028, 4, 30),
        [D(2028, 1, 31), D(2028, 2, 29), D(2028, 3, 31), D(2028, 4, 30)],
    ),
    ("weekly", [1], D(2028, 2, 24), D(2028, 3, 14), [D(2028, 2, 28), D(2028, 3, 6), D(2028, 3, 13)]),
    ("weekly", [], D(2028, 12, 29), D(2029, 1, 13), [D(2028, 12, 29), D(2029, 1, 5), D(2029, 1, 12)]),
    (
        "daily",
        [],
        D(2028, 2, 27),
        D(2028, 3, 1),
        [D(2028, 2, 27), D(2028, 2, 28), D(2028, 2, 29), D(2028, 3, 1)],
    ),
    ("one_off", [], D(2028, 2, 29), D(2028, 3, 3), [D(2028, 2, 29)]),
]


@pytest.mark.parametrize(("frequency", "match", "start", "last", "expected"), CASES)
def test_each_frequency_bills_on_its_dates(frequency, match, start, last, expected):
    package = PackageFactory(frequency=frequency, frequency_match=match, retail="3")
    assignment = customer_package_assign(
        actor=AdminFactory(), customer=CustomerFactory(), package=package, start_date=start
    )
    run_daily(start - dt.timedelta(days=2), last)
    assert charged(assignment) == expected
    # The Python rules say the same, day by day.
    days = [start + dt.timedelta(days=n) for n in range((last - start).days + 1)]
    assert [d for d in days if schedule.is_billing_date(frequency, match, start, d)] == expected


def test_yearly_on_29_february_bills_on_28_february_in_common_years():
    package = PackageFactory(frequency="yearly", retail="100")
    assignment = customer_package_assign(
        actor=AdminFactory(), customer=CustomerFactory(), package=package, start_date=D(2028, 2, 29)
    )
    # A run every 5 days over five years: each run catches up the days it missed.
    run_daily(D(2028, 2, 27), D(2033, 3, 5), step=5)
    assert charged(assignment) == [
        D(2028, 2, 29),
        D(2029, 2, 28),
        D(2030, 2, 28),
        D(2031, 2, 28),
        D(2032, 2, 29),
        D(2033, 2, 28),
    ]


def test_next_billing_date_across_month_ends():
    assert schedule.upcoming("monthly", [31], D(2028, 1, 1), None, D(2028, 2, 1)) == D(2028, 2, 29)
    assert schedule.upcoming("monthly", [31], D(2028, 1, 1), D(2028, 2, 29), D(2028, 2, 29)) == D(2028, 3, 31)
    assert schedule.upcoming("monthly", [15, 31], D(2027, 4, 1), None, D(2027, 4, 16)) == D(2027, 4, 30)
    assert schedule.upcoming("yearly", [], D(2028, 2, 29), D(2028, 2, 29), D(2028, 3, 1)) == D(2029, 2, 28)
    assert schedule.upcoming("one_off", [], D(2028, 3, 5), None, D(2028, 3, 1)) == D(2028, 3, 5)
    assert schedule.upcoming("one_off", [], D(2028, 3, 5), D(2028, 3, 5), D(2028, 3, 6)) is None
    assert schedule.upcoming("weekly", [7], D(2028, 2, 28), None, D(2028, 2, 28)) == D(2028, 3, 5)


def test_period_start_is_the_latest_billing_date():
    assert schedule.period_start("monthly", [15, 31], D(2028, 1, 1), D(2028, 2, 20)) == D(2028, 2, 15)
    assert schedule.period_start("monthly", [15, 31], D(2028, 1, 1), D(2028, 3, 1)) == D(2028, 2, 29)
    assert schedule.period_start("monthly", [15], D(2028, 1, 20), D(2028, 2, 1)) == D(2028, 1, 20)
    assert schedule.period_start("daily", [], D(2028, 1, 20), D(2028, 2, 1)) == D(2028, 2, 1)
