"""The CDR search (global and as Customer/Carrier tabs), its CSV, the Breakout page and Balance History:
who may open them, what they show, and a query count that does not grow with the rows."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Area
from customers import services as customer_services
from customers.choices import LedgerKind, PaymentStatus
from customers.models import LedgerEntry
from tests.factories import AdminFactory, CarrierFactory, CustomerFactory, UserFactory, grant
from tests.viewtests import ViewTestCases

from .report_factories import make_cdr

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    customer = CustomerFactory(name="Acme Calls")
    other = CustomerFactory(name="Other Co")
    carrier = CarrierFactory(name="Upstream One")
    now = timezone.now()
    make_cdr(customer, start=now - dt.timedelta(minutes=5), carrier=carrier, number="447700900001")
    make_cdr(other, start=now - dt.timedelta(minutes=4), carrier=carrier, number="337700900002")
    return {"customer": customer, "other": other, "carrier": carrier}


CDR_READ = {
    "cdr:cdr_list",
    "cdr:cdr_export",
    "cdr:customer_cdr",
    "cdr:customer_cdr_export",
    "cdr:carrier_cdr",
    "cdr:carrier_cdr_export",
    "cdr:customer_summary",
}


class TestCdrViews(ViewTestCases):
    area = Area.CDR
    other_area = Area.REPORT
    read_only = CDR_READ

    @pytest.fixture
    def pages(self, world):
        c, k = world["customer"].pk, world["carrier"].pk
        return [
            ("cdr:cdr_list", {}, "get"),
            ("cdr:cdr_export", {}, "get"),
            ("cdr:customer_cdr", {"pk": c}, "get"),
            ("cdr:customer_cdr_export", {"pk": c}, "get"),
            ("cdr:carrier_cdr", {"pk": k}, "get"),
            ("cdr:carrier_cdr_export", {"pk": k}, "get"),
            ("cdr:customer_summary", {"pk": c}, "get"),
        ]


class TestBreakoutViews(ViewTestCases):
    area = Area.REPORT
    other_area = Area.CDR
    read_only = {"cdr:breakout"}

    @pytest.fixture
    def pages(self, world):
        return [("cdr:breakout", {}, "get")]


class TestBalanceHistoryViews(ViewTestCases):
    area = Area.CUSTOMER
    other_area = Area.CDR
    read_only = {"cdr:customer_balance_history"}

    @pytest.fixture
    def pages(self, world):
        return [("cdr:customer_balance_history", {"pk": world["customer"].pk}, "get")]


def test_customer_tab_shows_only_that_customers_calls(admin_client, world):
    body = admin_client.get(reverse("cdr:customer_cdr", kwargs={"pk": world["customer"].pk})).content.decode()
    assert "447700900001" in body and "337700900002" not in body
    assert 'aria-current="page">CDR<' in body  # the CDR tab is the current one
    body = admin_client.get(reverse("cdr:carrier_cdr", kwargs={"pk": world["carrier"].pk})).content.decode()
    assert "447700900001" in body and "337700900002" in body


def test_cdr_tab_is_listed_only_for_those_with_the_cdr_area(client, world):
    user = UserFactory()
    grant(user, Area.CUSTOMER)
    client.force_login(user)
    body = client.get(
        reverse("customers:customer_detail", kwargs={"pk": world["customer"].pk})
    ).content.decode()
    assert reverse("cdr:customer_cdr", kwargs={"pk": world["customer"].pk}) not in body
    assert reverse("cdr:customer_balance_history", kwargs={"pk": world["customer"].pk}) in body
    grant(user, Area.CDR)
    user = type(user).objects.get(pk=user.pk)  # drop the cached grants
    client.force_login(user)
    body = client.get(
        reverse("customers:customer_detail", kwargs={"pk": world["customer"].pk})
    ).content.decode()
    assert reverse("cdr:customer_cdr", kwargs={"pk": world["customer"].pk}) in body


def test_search_filters(admin_client, world):
    customer, carrier = world["customer"], world["carrier"]
    now = timezone.now()
    make_cdr(customer, start=now - dt.timedelta(minutes=3), answered=False, number="447700900003")
    url = reverse("cdr:cdr_list")

    def numbers(**params):
        response = admin_client.get(url, params)
        assert response.status_code == 200
        return {row.number for row in response.context["page"].rows}

    assert numbers() == {"447700900001", "337700900002", "447700900003"}
    assert numbers(customer=customer.pk) == {"447700900001", "447700900003"}
    assert numbers(carrier=carrier.pk) == {"447700900001", "337700900002"}
    assert numbers(number="33") == {"337700900002"}
    assert numbers(sip_code=503) == {"447700900003"}
    assert numbers(answered="on") == {"447700900001", "337700900002"}
    yesterday = (now - dt.timedelta(days=1)).date().isoformat()
    assert numbers(date_from=yesterday, date_to=yesterday) == set()
    today = now.date().isoformat()
    assert len(numbers(date_from=today, date_to=today)) == 3


@pytest.mark.parametrize(
    "params",
    [
        {"number": "44abc"},
        {"sip_code": "99"},
        {"date_from": "2026-13-01"},
        {"date_from": "2026-05-02", "date_to": "2026-05-01"},
        {"customer": "2000000000"},
    ],
)
def test_bad_search_input_names_the_field(admin_client, world, params):
    response = admin_client.get(reverse("cdr:cdr_list"), params)
    assert response.status_code == 200
    assert response.context["page"] is None
    assert response.context["form"].errors
    assert admin_client.get(reverse("cdr:cdr_export"), params).status_code == 200


@pytest.mark.parametrize("token", ["junk", "2026-01-01~x", "~", "nan~1", "2026-01-01T00:00:00~1"])
def test_a_tampered_cursor_is_page_one(admin_client, world, token):
    response = admin_client.get(reverse("cdr:cdr_list"), {"after": token, "sort": "-charge"})
    assert response.status_code == 200


@pytest.mark.parametrize("sort", ["-start", "start", "-duration", "charge", "-sip_code", "bogus", "-"])
def test_every_sort_answers(admin_client, world, sort):
    response = admin_client.get(reverse("cdr:cdr_list"), {"sort": sort})
    assert response.status_code == 200
    assert len(response.context["page"].rows) == 2


def test_search_query_count_does_not_grow_with_rows(admin_client, world):
    url = reverse("cdr:cdr_list")
    admin_client.get(url)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url)
    now = timezone.now()
    for i in range(30):
        carrier = CarrierFactory()
        make_cdr(CustomerFactory(), start=now - dt.timedelta(seconds=i), carrier=carrier)
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(url)
    assert len(response.context["page"].rows) == 25
    assert len(many) == len(few)


def test_hostile_page_sizes_fall_back_to_the_default(admin_client, world):
    url = reverse("cdr:cdr_list")
    for value in ["200000", "-1", "0", "abc", "26", "1e9", ""]:
        assert admin_client.get(url, {"per_page": value}).context["page"].size == 25
    for value in (25, 50, 100, 250):
        assert admin_client.get(url, {"per_page": value}).context["page"].size == value


def test_csv_download_streams_the_filtered_rows(admin_client, world):
    customer = world["customer"]
    response = admin_client.get(reverse("cdr:customer_cdr_export", kwargs={"pk": customer.pk}))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Call ID", "Call Time (UTC)", "Answer Time (UTC)"]
    assert len(rows) == 2  # header + the customer's one call (the other customer's is left out)
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Destination"] == "447700900001"
    assert record["Customer"] == "Acme Calls" and record["Carrier"] == "Upstream One"
    assert Decimal(record["Charge"]) == Decimal("0.006")


def test_csv_download_reads_through_a_server_side_cursor(admin_client, world):
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(reverse("cdr:cdr_export"))
        b"".join(response.streaming_content)
    # .iterator() on PostgreSQL declares a named (server-side) cursor and fetches from it in chunks.
    declared = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("DECLARE")]
    assert any('FROM "cdr_cdr"' in sql and "CURSOR" in sql for sql in declared), declared


def test_balance_history_lists_charges_with_the_running_balance(admin_client, world):
    customer = world["customer"]
    admin = AdminFactory()
    customer_services.payment_create(
        actor=admin, customer=customer, description="Top-up", amount="10", status=PaymentStatus.COMPLETE
    )
    LedgerEntry.objects.create(
        customer=customer,
        kind=LedgerKind.CHARGE,
        amount=Decimal("-0.0060"),
        currency=customer.currency,
        description="Calls",
    )
    response = admin_client.get(reverse("cdr:customer_balance_history", kwargs={"pk": customer.pk}))
    assert response.status_code == 200
    rows = list(response.context["table"].rows)
    assert [r.record.kind for r in rows] == [LedgerKind.CHARGE, LedgerKind.PAYMENT]
    assert rows[0].record.balance_after == Decimal("9.9940")
    assert rows[1].record.balance_after == Decimal("10.0000")
    assert "Call charges" in response.content.decode()


def test_the_callers_number_is_shown_filtered_by_prefix_and_downloaded(admin_client, world):
    customer = world["customer"]
    now = timezone.now()
    make_cdr(customer, start=now - dt.timedelta(minutes=4), number="447700900009", cli="+4420700001")
    url = reverse("cdr:cdr_list")
    response = admin_client.get(url, {"cli": "+44207"})
    assert {row.number for row in response.context["page"].rows} == {"447700900009"}
    assert "<th>CLI</th>" in response.content.decode() and "+4420700001" in response.content.decode()
    assert admin_client.get(url, {"cli": "+33"}).context["page"].rows == []
    tab = admin_client.get(reverse("cdr:customer_cdr", kwargs={"pk": customer.pk})).content.decode()
    assert "<th>CLI</th>" in tab and "+4420700001" in tab
    export = admin_client.get(reverse("cdr:cdr_export"), {"cli": "+44207"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert len(rows) == 2 and dict(zip(rows[0], rows[1], strict=True))["CLI"] == "+4420700001"
