"""The billing run: charges once per customer, package and period; catches up; Minimum Spend."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from customers.choices import LedgerKind
from customers.models import LedgerEntry
from customers.selectors import customer_balance
from packages.models import PackageCharge
from packages.services import customer_package_assign, customer_package_remove, packages_bill
from packages.tasks import bill_packages
from tests.factories import AdminFactory, CustomerFactory, PackageFactory

D = dt.date


def at(day: dt.date, hour: int = 3):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC), tick=False)


def call_charge(customer, amount: str, day: dt.date):
    """A call's ledger charge as rating writes it (kind CHARGE, negative), dated `day`."""
    with at(day, 12):
        return LedgerEntry.objects.create(
            customer=customer, kind=LedgerKind.CHARGE, amount=-Decimal(amount), currency=customer.currency
        )


@pytest.mark.django_db
def test_charges_are_named_after_the_package_in_the_customers_currency():
    customer = CustomerFactory(currency="EUR")
    package = PackageFactory(name="Gold DID", frequency="monthly", frequency_match=[1], retail="12.50")
    with at(D(2028, 1, 20)):
        customer_package_assign(actor=AdminFactory(), customer=customer, package=package)
    with at(D(2028, 2, 1)):
        result = packages_bill()
    assert (result.charges, result.total) == (1, Decimal("12.5"))
    entry = LedgerEntry.objects.get(customer=customer)
    assert (entry.kind, entry.amount, entry.currency) == ("charge", Decimal("-12.5000"), "EUR")
    assert entry.description == "Gold DID (2028-02-01)"
    assert entry.package_charge.period == D(2028, 2, 1)


@pytest.mark.django_db
def test_a_missed_week_is_caught_up_once():
    customer = CustomerFactory()
    package = PackageFactory(frequency="daily", retail="1")
    customer_package_assign(
        actor=AdminFactory(), customer=customer, package=package, start_date=D(2028, 3, 1)
    )
    with at(D(2028, 3, 1)):
        assert packages_bill().charges == 1
    # The worker is down from 2 to 8 March; the run on the 9th charges the 8 days it missed.
    with at(D(2028, 3, 9)):
        assert packages_bill().charges == 8
        assert packages_bill().charges == 0
    periods = PackageCharge.objects.values_list("period", flat=True)
    assert sorted(periods) == [D(2028, 3, d) for d in range(1, 10)]
    assert customer_balance(customer) == Decimal("-9")


@pytest.mark.django_db
def test_a_removed_package_stops_billing_the_day_it_is_removed():
    customer = CustomerFactory()
    package = PackageFactory(frequency="daily", retail="1")
    assignment = customer_package_assign(
        actor=AdminFactory(), customer=customer, package=package, start_date=D(2028, 3, 1)
    )
    with at(D(2028, 3, 4), 10):
        customer_package_remove(actor=AdminFactory(), instance=assignment)
    with at(D(2028, 3, 10)):
        packages_bill()
    assert sorted(PackageCharge.objects.values_list("period", flat=True)) == [
        D(2028, 3, d) for d in (1, 2, 3)
    ]


@pytest.mark.django_db
def test_minimum_spend_charges_the_shortfall_at_period_end():
    """The reference's example: Retail 50, the customer's calls spent 25, so 25 is charged."""
    customer = CustomerFactory()
    package = PackageFactory(
        name="Commit 50",
        frequency="monthly",
        frequency_match=[1],
        retail="50",
        setup_retail="5",
        minimum_spend=True,
    )
    customer_package_assign(
        actor=AdminFactory(), customer=customer, package=package, start_date=D(2028, 1, 15)
    )
    with at(D(2028, 2, 1)):
        assert packages_bill().charges == 0  # a period starts; nothing has ended yet
    call_charge(customer, "10", D(2028, 1, 31))  # before the period: not counted
    call_charge(customer, "15", D(2028, 2, 3))
    call_charge(customer, "10", D(2028, 2, 29))
    call_charge(customer, "7", D(2028, 3, 1))  # the next period
    with at(D(2028, 2, 29)):
        assert packages_bill().charges == 0  # the period has not ended
    with at(D(2028, 3, 1)):
        result = packages_bill()
        assert packages_bill().charges == 0
    assert (result.charges, result.total) == (1, Decimal("25"))
    charge = PackageCharge.objects.get(kind="minimum_spend")
    assert (charge.period, charge.amount) == (D(2028, 2, 1), Decimal("25"))
    assert charge.ledger_entry.description == "Commit 50: minimum spend 2028-02-01 to 2028-02-29"
    # March: calls spent 7 plus the package's own 25 charge, which is not call spend: 43 is charged.
    with at(D(2028, 4, 1)):
        assert packages_bill().total == Decimal("43")


@pytest.mark.django_db
def test_no_minimum_spend_charge_when_calls_spent_more_than_retail():
    customer = CustomerFactory()
    package = PackageFactory(frequency="weekly", frequency_match=[1], retail="20", minimum_spend=True)
    customer_package_assign(
        actor=AdminFactory(), customer=customer, package=package, start_date=D(2028, 3, 6)
    )
    call_charge(customer, "20.0001", D(2028, 3, 8))
    with at(D(2028, 3, 20)):
        result = packages_bill()
    # Week of 6 March: spent enough. Week of 13 March: nothing spent, 20 charged.
    assert [(c.period, c.amount) for c in PackageCharge.objects.order_by("period")] == [
        (D(2028, 3, 13), Decimal("20.0000"))
    ]
    assert result.charges == 1


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_charge_once():
    admin = AdminFactory()
    packages = [
        PackageFactory(frequency="daily", retail="2"),
        PackageFactory(frequency="monthly", retail="9"),
    ]
    customers = [CustomerFactory() for _ in range(20)]
    for customer in customers:
        for package in packages:
            customer_package_assign(actor=admin, customer=customer, package=package, start_date=D(2028, 1, 1))
    barrier = threading.Barrier(2)
    results = []

    def run():
        try:
            barrier.wait()
            with at(D(2028, 1, 10)):
                results.append(packages_bill().charges)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    # 20 customers x (10 daily + 1 monthly) charges, written by whichever run came first.
    assert sorted(results) == [0, 220]
    assert PackageCharge.objects.count() == 220
    assert LedgerEntry.objects.count() == 220


@pytest.mark.django_db(transaction=True)
def test_the_beat_task_runs_in_a_real_worker(celery_worker):
    customer = CustomerFactory()
    package = PackageFactory(frequency="daily", retail="1")
    today = dt.datetime.now(dt.UTC).date()
    customer_package_assign(actor=AdminFactory(), customer=customer, package=package, start_date=today)
    assert bill_packages.delay().get(timeout=30) == 1
    assert bill_packages.delay().get(timeout=30) == 0
    assert PackageCharge.objects.filter(customer_package__customer=customer).count() == 1
