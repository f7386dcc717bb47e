"""Keyset paging of the CDR search: walking forwards (and back) visits every row exactly once, in
order, even when many rows share the sort value; the SQL never uses OFFSET."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdr.models import Cdr
from cdr.report_selectors import CDR_SORTS, cdr_search
from connexcs.keyset import decode, encode, keyset_page
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _rows(customer, specs):
    """specs: (seconds ago, duration, charge) per row; many rows share values on purpose."""
    now = timezone.now().replace(microsecond=0)
    Cdr.objects.bulk_create(
        Cdr(
            call_id=f"k-{customer.pk}-{i}",
            start=now - dt.timedelta(seconds=ago),
            end=now - dt.timedelta(seconds=ago) + dt.timedelta(seconds=duration),
            answer=now - dt.timedelta(seconds=ago) if duration else None,
            duration=duration,
            customer_id=customer.pk,
            number=f"44{i:08d}",
            rate=Decimal("0.01"),
            sip_code=200 if duration else 486,
            charge=Decimal(charge),
        )
        for i, (ago, duration, charge) in enumerate(specs)
    )


def _walk(qs, sort, descending, size):
    seen, after, pages = [], None, 0
    while True:
        page = keyset_page(qs, sort=CDR_SORTS[sort], descending=descending, size=size, after=after)
        seen.extend(row.pk for row in page.rows)
        pages += 1
        if page.next_token is None:
            return seen, pages
        after = page.next_token
        assert pages < 1000


def _expected(qs, sort, descending):
    sign = "-" if descending else ""
    return list(qs.order_by(f"{sign}{sort}", f"{sign}id").values_list("id", flat=True))


@pytest.mark.parametrize("sort", sorted(CDR_SORTS))
@pytest.mark.parametrize("descending", [True, False])
def test_walking_every_page_visits_every_row_once_in_order_with_ties(sort, descending):
    customer = CustomerFactory()
    # 53 rows, only 4 distinct start times, 3 durations, 2 charges: ties on every sort key.
    _rows(customer, [(i % 4, (i % 3) * 30, "0.0100" if i % 2 else "0.0200") for i in range(53)])
    qs = cdr_search(customer=customer)
    seen, pages = _walk(qs, sort, descending, size=10)
    assert seen == _expected(qs, sort, descending)
    assert pages == 6


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    specs=st.lists(
        st.tuples(st.integers(0, 5), st.sampled_from([0, 1, 60]), st.sampled_from(["0", "0.5", "1"])),
        min_size=0,
        max_size=40,
    ),
    size=st.integers(1, 7),
    sort=st.sampled_from(sorted(CDR_SORTS)),
    descending=st.booleans(),
)
def test_keyset_walk_property(specs, size, sort, descending):
    Cdr.objects.all().delete()
    customer = CustomerFactory()
    _rows(customer, specs)
    qs = cdr_search(customer=customer)
    seen, _ = _walk(qs, sort, descending, size)
    assert seen == _expected(qs, sort, descending)


def test_previous_goes_back_to_the_same_pages():
    customer = CustomerFactory()
    _rows(customer, [(i % 3, 30, "0.01") for i in range(25)])
    qs = cdr_search(customer=customer)
    sort = CDR_SORTS["start"]
    forward = []
    page = keyset_page(qs, sort=sort, descending=True, size=10)
    forward.append([r.pk for r in page.rows])
    assert page.previous_token is None
    while page.next_token:
        page = keyset_page(qs, sort=sort, descending=True, size=10, after=page.next_token)
        forward.append([r.pk for r in page.rows])
    assert [len(p) for p in forward] == [10, 10, 5]
    back = keyset_page(qs, sort=sort, descending=True, size=10, before=page.previous_token)
    assert [r.pk for r in back.rows] == forward[1]
    back = keyset_page(qs, sort=sort, descending=True, size=10, before=back.previous_token)
    assert [r.pk for r in back.rows] == forward[0]
    assert back.previous_token is None and back.next_token is not None


def test_pages_are_cut_by_a_row_comparison_never_offset(admin_client):
    customer = CustomerFactory()
    _rows(customer, [(i, 30, "0.01") for i in range(60)])
    url = reverse("cdr:cdr_list")
    response = admin_client.get(url)
    links = response.context["links"]
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url + links["next"])
    assert response.context["links"]["number"] == 2
    sql = " ".join(q["sql"] for q in queries.captured_queries if "cdr_cdr" in q["sql"])
    assert "OFFSET" not in sql.upper()
    assert '("cdr_cdr"."start", "cdr_cdr"."id") <' in sql
    body = response.content.decode()
    assert "Page 2" in body and 'rel="prev"' in body


def test_cursor_round_trip():
    moment = timezone.now()
    assert decode(encode(moment, 7), CDR_SORTS["start"]) == (moment, 7)
    assert decode(encode(Decimal("0.0100"), 9), CDR_SORTS["charge"]) == (Decimal("0.0100"), 9)
    assert decode(encode(30, 1), CDR_SORTS["duration"]) == (30, 1)
    for junk in (None, "", "x", "1~", "~1", "inf~1", "2026-01-01T00:00:00~1"):
        assert decode(junk, CDR_SORTS["charge" if junk == "inf~1" else "start"]) is None
