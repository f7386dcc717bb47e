"""The Breakout's numbers: CDRs go in through the real ingest (which keeps the hourly rollups), and
the report read from the rollups must equal, exactly, the same report by GROUP BY over the raw
CDRs, for every grouping, per day and per hour, with every filter; and both must equal an
independent ORM aggregate. Today's dashboard figures come from the same rollups."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Count, Sum
from django.urls import reverse

from cdr.models import Cdr
from cdr.report_selectors import breakout, breakout_from_cdrs, breakout_series, today_start, today_summary
from routing.engine import engine
from tests.cdr.report_factories import ingest_traffic

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def fresh_engine(settings):
    settings.ROUTING_BACKGROUND_RELOAD = False
    engine.reset()
    yield
    engine.reset()


@pytest.fixture
def traffic():
    return ingest_traffic()


GROUPINGS = [[], ["customer"], ["carrier"], ["destination"], ["customer", "carrier", "destination"]]


def _rows(report):
    return [vars(row) for row in report.rows]


@pytest.mark.parametrize("groups", GROUPINGS)
@pytest.mark.parametrize("period", ["", "day", "hour"])
def test_rollups_agree_exactly_with_group_by_over_raw_cdrs(traffic, groups, period):
    start = today_start(traffic["now"]) - dt.timedelta(days=3)
    end = today_start(traffic["now"]) + dt.timedelta(days=1)
    fast = breakout(start=start, end=end, groups=groups, period=period)
    slow = breakout_from_cdrs(start=start, end=end, groups=groups, period=period)
    assert fast.rows, "the traffic must show"
    assert _rows(fast) == _rows(slow)
    assert [vars(t) for t in fast.totals] == [vars(t) for t in slow.totals]


@pytest.mark.parametrize(
    "scope",
    [
        {"customer": "acme"},
        {"carrier": "cheap"},
        {"prefix": "44"},
        {"prefix": "447"},
        {"customer": "euro", "carrier": "dear", "prefix": "3"},
    ],
)
def test_filters_agree_too(traffic, scope):
    kwargs = {key: traffic[value] if key != "prefix" else value for key, value in scope.items()}
    start = today_start(traffic["now"]) - dt.timedelta(days=1)  # a window that cuts the traffic
    end = start + dt.timedelta(hours=30)
    for groups in GROUPINGS:
        fast = breakout(start=start, end=end, groups=groups, period="hour", **kwargs)
        slow = breakout_from_cdrs(start=start, end=end, groups=groups, period="hour", **kwargs)
        assert _rows(fast) == _rows(slow), (scope, groups)


def test_numbers_match_an_independent_orm_aggregate(traffic):
    start = today_start(traffic["now"]) - dt.timedelta(days=3)
    end = today_start(traffic["now"]) + dt.timedelta(days=1)
    report = breakout(start=start, end=end, groups=["customer"])
    expected = {
        row["customer_id"]: row
        for row in Cdr.objects.filter(start__gte=start, start__lt=end)
        .values("customer_id")
        .annotate(
            attempts=Count("id"),
            answered=Count("answer"),
            duration=Sum("duration"),
            billed=Sum("billed_seconds"),
            revenue=Sum("charge"),
            cost=Sum("cost"),
        )
    }
    assert len(report.rows) == 2
    for row in report.rows:
        want = expected[row.customer_id]
        assert (row.attempts, row.answered, row.duration, row.billed_seconds) == (
            want["attempts"],
            want["answered"],
            want["duration"],
            want["billed"],
        )
        assert (row.revenue, row.cost) == (want["revenue"], want["cost"])
        assert row.profit == want["revenue"] - want["cost"]
        assert row.asr == (D(want["answered"]) * 100 / want["attempts"]).quantize(D("0.01"))
        assert row.currency == ("USD" if row.customer_id == traffic["acme"].pk else "EUR")
    # Totals are per currency: dollars and euros are never added together.
    assert [t.currency for t in report.totals] == ["EUR", "USD"]


def test_series_counts_every_call_once(traffic):
    start = today_start(traffic["now"]) - dt.timedelta(days=3)
    end = today_start(traffic["now"]) + dt.timedelta(days=1)
    series = breakout_series(start=start, end=end, period="day")
    assert sum(point.attempts for point in series) == Cdr.objects.count() == 240
    assert [p.period for p in series] == sorted(p.period for p in series)


def test_today_summary_and_dashboard_figures(admin_client, traffic):
    start = today_start(traffic["now"])
    todays = Cdr.objects.filter(start__gte=start)
    summary = today_summary()
    assert summary.attempts == todays.count() > 0
    assert summary.answered == todays.filter(answer__isnull=False).count()
    for currency in ("USD", "EUR"):
        charged = todays.filter(currency=currency).aggregate(total=Sum("charge"))["total"] or D(0)
        assert summary.revenue.get(currency, D(0)) == charged
    assert today_summary(customer=traffic["acme"]).attempts == todays.filter(customer=traffic["acme"]).count()
    body = admin_client.get(reverse("dashboard")).content.decode()
    assert 'data-figure="calls_today"' in body and f"{summary.attempts:,}" in body
    assert 'data-figure="asr_today"' in body and 'data-figure="revenue_today"' in body


def test_breakout_page_shows_the_report_and_chart_data(admin_client, traffic):
    day = today_start(traffic["now"]).date()
    params = {
        "date_from": (day - dt.timedelta(days=3)).isoformat(),
        "date_to": day.isoformat(),
        "group": ["customer", "destination"],
        "period": "day",
    }
    response = admin_client.get(reverse("cdr:breakout"), params)
    assert response.status_code == 200
    report = response.context["report"]
    assert {row.customer for row in report.rows} == {"Acme", "Euro Co"}
    assert sum(row.attempts for row in report.rows) == 240
    body = response.content.decode()
    assert "United Kingdom Mobile" in body and 'id="breakout-data"' in body
    assert "vendor/chartjs/chart.umd.min.js" in body and "cdn" not in body.lower()
    chart = response.context["chart"]
    assert sum(chart["answered"]) + sum(chart["failed"]) == 240


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "2026-02-30"},
        {"date_from": "2026-01-01", "date_to": "2026-12-31"},
        {"group": ["bogus"]},
        {"period": "week"},
        {"prefix": "4a"},
        {"customer": "x"},
    ],
)
def test_bad_breakout_input_is_a_field_error(admin_client, params):
    response = admin_client.get(reverse("cdr:breakout"), params)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "report" not in response.context
