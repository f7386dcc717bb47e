"""Customer > Summary (customer_main.md): 24 Hours, Daily, Weekly and Monthly lines of Date, ASR, ACD,
Profit, Profit %, Customer Charge, Attempts, Connected, Duration and Billed Duration, from the rollups
the ingest keeps, equal to the same figures summed from the raw CDRs."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Count, Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cdr import report_selectors as reports
from cdr.models import Cdr
from routing.engine import engine

from .report_factories import ingest_traffic

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_engine(settings):
    settings.ROUTING_BACKGROUND_RELOAD = False
    engine.reset()
    yield
    engine.reset()


@pytest.fixture
def traffic():
    return ingest_traffic(240)


@pytest.mark.parametrize("view", ["24h", "daily", "weekly", "monthly"])
def test_each_line_equals_the_raw_cdrs_of_its_period(traffic, view):
    acme, now = traffic["acme"], traffic["now"]
    unit = reports.SUMMARY_VIEWS[view][0]
    report = reports.customer_summary(customer=acme, view=view, now=now)
    assert report.rows and [r.period for r in report.rows] == sorted(
        (r.period for r in report.rows), reverse=True
    )
    for row in report.rows:
        raw = Cdr.objects.filter(
            customer=acme, start__gte=row.period, start__lt=reports.period_end(row.period, unit)
        ).aggregate(
            a=Count("id"), an=Count("answer"), r=Sum("charge"), c=Sum("cost"), b=Sum("billed_seconds")
        )
        assert (row.attempts, row.answered, row.billed_seconds) == (raw["a"], raw["an"], raw["b"])
        assert row.revenue == raw["r"] and row.cost == raw["c"] and row.currency == "USD"
    if view != "24h":  # three days of calls: every one is in the daily, weekly and monthly lines
        assert sum(r.attempts for r in report.rows) == Cdr.objects.filter(customer=acme).count()


def test_period_bounds_step_by_calendar():
    moment = dt.datetime(2026, 3, 4, 15, 42, tzinfo=dt.UTC)  # a Wednesday
    assert reports._period_start(moment, "week", 0) == dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    assert reports._period_start(moment, "month", 3) == dt.datetime(2025, 12, 1, tzinfo=dt.UTC)
    assert reports.period_end(dt.datetime(2025, 12, 1, tzinfo=dt.UTC), "month") == dt.datetime(
        2026, 1, 1, tzinfo=dt.UTC
    )
    assert reports._period_start(moment, "hour", 23) == dt.datetime(2026, 3, 3, 16, tzinfo=dt.UTC)


def test_the_tab_shows_the_lines_totals_chart_and_csv_links(admin_client, traffic):
    acme = traffic["acme"]
    url = reverse("cdr:customer_summary", args=[acme.pk])
    page = admin_client.get(url, {"view": "daily"})
    html = page.content.decode()
    headers = [str(column.header) for column in page.context["table"].columns]
    assert headers == [
        "Date", "ASR %", "ACD", "Profit", "Profit %", "Customer Charge", "Attempts", "Connected", "Duration",
        "Billed Duration", "CDR",
    ]  # fmt: skip
    assert 'id="breakout-chart"' in html and "Summary" in html
    total = page.context["report"].totals[0]
    assert total.revenue == Cdr.objects.filter(customer=acme).aggregate(s=Sum("charge"))["s"]
    today = traffic["now"].date().isoformat()
    assert f"/customers/{acme.pk}/cdr/export.csv?date_from={today}&amp;date_to={today}" in html
    assert "Euro Co" not in html.split('id="summary-table"')[1]  # only this customer's calls

    csv = admin_client.get(f"/customers/{acme.pk}/cdr/export.csv", {"date_from": today, "date_to": today})
    lines = b"".join(csv.streaming_content).decode().splitlines()
    assert len(lines) - 1 == Cdr.objects.filter(customer=acme, start__date=traffic["now"].date()).count()


def test_an_unknown_view_is_24_hours_and_the_query_count_is_fixed(admin_client, traffic):
    url = reverse("cdr:customer_summary", args=[traffic["acme"].pk])
    assert admin_client.get(url, {"view": "yearly"}).context["summary_view"] == "24h"
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url, {"view": "monthly"})
    assert len(few) < 25  # one report query, whatever the number of periods or calls


def test_a_customer_without_calls_reads_no_calls(admin_client):
    from tests.factories import CustomerFactory

    quiet = CustomerFactory(name="Quiet")
    html = admin_client.get(reverse("cdr:customer_summary", args=[quiet.pk])).content.decode()
    assert "No calls in this time." in html and 'id="breakout-chart"' not in html
