"""The CDR table is partitioned by month; rows land in their month's partition; rollups are unique."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from cdr.models import Cdr, CdrHourly
from cdr.selectors import cdr_after, cdr_list, hourly_list
from tests.factories import CarrierFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def _partitions() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'cdr_cdr'::regclass ORDER BY 1"
        )
        return [r[0] for r in cursor.fetchall()]


def _cdr(customer, start, **kw) -> Cdr:
    return Cdr.objects.create(
        call_id=kw.pop("call_id", f"c-{start.timestamp()}"),
        start=start,
        end=start + timedelta(seconds=30),
        customer_id=customer.pk,
        number="441234567890",
        rate=Decimal("0.01"),
        sip_code=200,
        **kw,
    )


def test_migration_partitions_the_table_by_month_around_now():
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE relname = 'cdr_cdr'")
        assert cursor.fetchone()[0] == "p"  # partitioned
    now = datetime.now(UTC)
    assert f"cdr_cdr_{now:%Y%m}" in _partitions()
    assert len(_partitions()) >= 4  # last month, this month and two ahead


def test_a_row_lands_in_its_month_and_missing_months_are_created_on_demand():
    customer = CustomerFactory()
    start = datetime(2020, 2, 29, 23, 59, 59, tzinfo=UTC)
    assert "cdr_cdr_202002" not in _partitions()
    with connection.cursor() as cursor:
        cursor.execute("SELECT cdr_ensure_partition(%s)", [start.date()])
        assert cursor.fetchone()[0] == "cdr_cdr_202002"
        cursor.execute("SELECT cdr_ensure_partition(%s)", [start.date()])  # twice is harmless
    cdr = _cdr(customer, start)
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM cdr_cdr WHERE id = %s", [cdr.pk])
        assert cursor.fetchone()[0] == "cdr_cdr_202002"
    # The first instant of March (UTC) belongs to March, which does not exist yet: refused.
    with pytest.raises(IntegrityError), transaction.atomic():
        _cdr(customer, datetime(2020, 3, 1, tzinfo=UTC), call_id="march")


def test_keyset_pages_walk_newest_first_without_gaps():
    customer = CustomerFactory()
    other = CustomerFactory()
    base = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    made = [_cdr(customer, base + timedelta(seconds=i // 2), call_id=f"k{i}") for i in range(7)]
    _cdr(other, base, call_id="other")
    qs = cdr_list(actor=None, customer_id=customer.pk)
    seen, page = [], list(qs[:3])
    while page:
        seen += page
        page = list(cdr_after(qs, start=page[-1].start, pk=page[-1].pk)[:3])
    assert [c.pk for c in seen] == [c.pk for c in sorted(made, key=lambda c: (c.start, c.pk), reverse=True)]


def test_rollup_key_treats_no_carrier_as_one_row():
    customer, carrier = CustomerFactory(), CarrierFactory()
    hour = datetime(2026, 1, 1, 10, tzinfo=UTC)
    CdrHourly.objects.create(hour=hour, customer=customer, carrier=None, prefix="44")
    CdrHourly.objects.create(hour=hour, customer=customer, carrier=carrier, prefix="44")
    with pytest.raises(IntegrityError), transaction.atomic():
        CdrHourly.objects.create(hour=hour, customer=customer, carrier=None, prefix="44")
    assert hourly_list(actor=None, carrier_id=carrier.pk).count() == 1
    assert hourly_list(actor=None, customer_id=customer.pk, since=hour, until=hour).count() == 0
