"""Free minutes in rating: MCD/Pulse, the overlap rule, periods, and no minute spent twice in parallel."""

import datetime as dt
import threading

import pytest
from django.db import connection

from connexcs import hooks
from packages.freeminutes import covering_packages, free_minutes_take
from packages.models import FreeMinutesUsage
from packages.services import customer_package_assign
from tests.factories import AdminFactory, CustomerFactory, PackageFactory

D = dt.date
START = dt.date(2028, 2, 1)
NOON = dt.datetime(2028, 2, 20, 12, tzinfo=dt.UTC)


def free_package(destinations: str, minutes: int, **extra):
    return PackageFactory(type="free_minutes", destinations=destinations, free_minutes=minutes, **extra)


def holder(*packages, start=START):
    customer = CustomerFactory()
    admin = AdminFactory()
    return customer, [
        customer_package_assign(actor=admin, customer=customer, package=p, start_date=start) for p in packages
    ]


@pytest.mark.django_db
def test_covers_billed_seconds_by_mcd_and_pulse_then_runs_out():
    customer, _ = holder(free_package("^44|^91|^1", 2))
    # 61 s at 30/6: 30 + ceil(31/6)*6 = 66 billed seconds, all free.
    assert free_minutes_take(customer.pk, "447700900123", 61, NOON, mcd=30, pulse=6) == 66
    # 54 of 120 seconds are left: a 100 s call (60/60 billing: 120 s) gets 54 free, the rest is paid.
    assert free_minutes_take(customer.pk, "919876543210", 100, NOON, mcd=60, pulse=60) == 54
    assert free_minutes_take(customer.pk, "12125550100", 10, NOON) == 0


@pytest.mark.django_db
def test_other_destinations_and_plain_packages_cover_nothing():
    customer, _ = holder(free_package("44, 91", 5), PackageFactory(type="plain"))
    assert free_minutes_take(customer.pk, "33123456789", 30, NOON) == 0
    assert free_minutes_take(customer.pk, "91123", 30, NOON) == 30  # a prefix list
    assert free_minutes_take(CustomerFactory().pk, "44123", 30, NOON) == 0


@pytest.mark.django_db
def test_overlaps_longest_match_first_then_the_next():
    uk = free_package("^44", 1, name="UK")
    uk_mobile = free_package("^447", 1, name="UK mobile")
    customer, _ = holder(uk, uk_mobile)
    order = [a.package.name for a in covering_packages(customer.pk, "447700900123", NOON)]
    assert order == ["UK mobile", "UK"]
    # 90 s: 60 from UK mobile (the longer match), 30 from UK.
    assert free_minutes_take(customer.pk, "447700900123", 90, NOON) == 90
    used = dict(FreeMinutesUsage.objects.values_list("customer_package__package__name", "seconds_used"))
    assert used == {"UK mobile": 60, "UK": 30}
    # A landline only matches UK, which has 30 s left.
    assert free_minutes_take(customer.pk, "442071234567", 90, NOON) == 30


@pytest.mark.django_db
def test_equal_matches_go_to_the_package_assigned_first():
    first = free_package("^44", 1, name="First")
    second = free_package("^4", 1, name="Second")  # shorter match: last
    third = free_package("^44", 1, name="Third")
    customer, _ = holder(first, second, third)
    assert [a.package.name for a in covering_packages(customer.pk, "4420", NOON)] == [
        "First",
        "Third",
        "Second",
    ]


@pytest.mark.django_db
def test_minutes_come_back_each_period():
    customer, _ = holder(free_package("^44", 1, frequency="monthly", frequency_match=[15]))
    assert free_minutes_take(customer.pk, "4420", 100, NOON) == 60
    assert free_minutes_take(customer.pk, "4420", 100, NOON + dt.timedelta(days=20)) == 0  # 11 March
    assert free_minutes_take(customer.pk, "4420", 100, NOON + dt.timedelta(days=25)) == 60  # 16 March


@pytest.mark.django_db(transaction=True)
def test_parallel_calls_never_spend_the_same_minute_twice():
    customer, _ = holder(free_package("^44", 10))  # 600 free seconds
    threads_count, calls_each = 8, 10
    barrier = threading.Barrier(threads_count)
    covered = []
    lock = threading.Lock()

    def ingest():
        try:
            barrier.wait()
            for _ in range(calls_each):
                got = free_minutes_take(customer.pk, "447700900123", 13, NOON)
                with lock:
                    covered.append(got)
        finally:
            connection.close()

    threads = [threading.Thread(target=ingest) for _ in range(threads_count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    # 80 calls of 13 s want 1040 s; exactly the 600 there were are handed out, never more.
    assert len(covered) == threads_count * calls_each
    assert sum(covered) == 600
    assert FreeMinutesUsage.objects.get().seconds_used == 600


@pytest.mark.django_db
def test_rating_asks_through_the_hook_for_a_whole_batch(django_assert_max_num_queries):
    customer, _ = holder(free_package("^44", 1))
    plain = CustomerFactory()
    calls = [
        {"customer_id": plain.pk, "number": "4420", "seconds": 30, "at": NOON, "mcd": 1, "pulse": 1},
        {"customer_id": customer.pk, "number": "4420", "seconds": 40, "at": NOON, "mcd": 1, "pulse": 1},
        {"customer_id": customer.pk, "number": "4420", "seconds": 40, "at": NOON, "mcd": 30, "pulse": 30},
    ]
    assert hooks.collect("free_seconds_for_calls", calls=calls) == [[0, 40, 20]]
    assert hooks.collect("no_such_hook", calls=calls) == []
    # Calls of customers without Free Minutes cost one query for the whole batch.
    with django_assert_max_num_queries(1):
        assert hooks.collect("free_seconds_for_calls", calls=[calls[0]] * 50) == [[0] * 50]
