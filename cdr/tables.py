import datetime as dt
from urllib.parse import urlencode

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from connexcs.money import format_money
from customers.choices import LedgerKind
from customers.models import LedgerEntry
from customers.tables import MoneyColumn

from .report_selectors import period_end

NUMBER = {"td": {"class": "text-end font-monospace text-nowrap"}, "th": {"class": "text-end"}}


def duration_text(seconds: int | None) -> str:
    """Seconds as m:ss (h:mm:ss past an hour)."""
    if seconds is None:
        return "—"
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class BreakoutTable(tables.Table):
    """The Breakout's rows (BreakoutRow objects); which key columns show depends on the grouping.

    An empty figure (no ASR without attempts, no margin without revenue) shows the default dash.
    """

    period = tables.Column(verbose_name="Period", attrs={"td": {"class": "text-nowrap"}})
    customer = tables.Column(verbose_name="Customer")
    carrier = tables.Column(verbose_name="Carrier")
    prefix = tables.Column(verbose_name="Prefix")
    destination = tables.Column(verbose_name="Destination")
    attempts = tables.Column(verbose_name="Attempts", attrs=NUMBER)
    answered = tables.Column(verbose_name="Connected", attrs=NUMBER)
    asr = tables.Column(verbose_name="ASR %", attrs=NUMBER, orderable=False)
    acd = tables.Column(verbose_name="ACD", attrs=NUMBER, orderable=False)
    minutes = tables.Column(verbose_name="Minutes", attrs=NUMBER)
    revenue = tables.Column(verbose_name="Revenue", attrs=NUMBER)
    cost = tables.Column(verbose_name="Cost", attrs=NUMBER)
    profit = tables.Column(verbose_name="Profit", attrs=NUMBER, orderable=False)
    margin = tables.Column(verbose_name="Margin %", attrs=NUMBER, orderable=False)

    class Meta:
        empty_text = "No calls in this range."
        attrs = {"class": "table table-sm table-hover align-middle", "id": "breakout-table"}

    def __init__(self, data, *, groups: list[str], period: str, **kwargs):
        shown = set(groups)
        exclude = [name for name in ("customer", "carrier") if name not in shown]
        if "destination" not in shown:
            exclude += ["prefix", "destination"]
        if not period:
            exclude.append("period")
        self.period_format = "%Y-%m-%d %H:00" if period == "hour" else "%Y-%m-%d"
        super().__init__(data, exclude=exclude, **kwargs)

    def render_period(self, value):
        return value.astimezone(dt.UTC).strftime(self.period_format)

    def render_customer(self, value, record):
        return value or f"#{record.customer_id}"

    def render_carrier(self, value, record):
        return value or ("—" if record.carrier_id is None else f"#{record.carrier_id}")

    def render_acd(self, value):
        return duration_text(value)

    def render_revenue(self, value, record):
        return format_money(value, record.currency)

    def render_cost(self, value, record):
        return format_money(value, record.currency)

    def render_profit(self, value, record):
        return format_money(value, record.currency)


class BalanceHistoryTable(tables.Table):
    created_at = tables.DateTimeColumn(verbose_name="Date", format="Y-m-d H:i:s")
    kind = tables.Column(verbose_name="Type")
    description = tables.Column(verbose_name="Description")
    amount = MoneyColumn(verbose_name="Amount")
    balance_after = tables.Column(verbose_name="Balance", attrs=NUMBER, orderable=False)
    calls = tables.Column(verbose_name="CDR", accessor="pk", orderable=False)

    class Meta:
        model = LedgerEntry
        fields = ["created_at", "kind", "description", "amount", "balance_after", "calls"]
        order_by = ("-created_at",)
        empty_text = "No payments or charges yet."

    def render_balance_after(self, value, record):
        return format_money(value, record.currency)

    def render_calls(self, record):
        """A charge is one ingest batch's calls: link to the customer's CDRs of that day and the one
        before (a call is charged when it ends, so it may have started the day before)."""
        if record.kind != LedgerKind.CHARGE:
            return "—"
        day = record.created_at.astimezone(dt.UTC).date()
        query = urlencode({"date_from": (day - dt.timedelta(days=1)).isoformat(), "date_to": day.isoformat()})
        url = reverse("cdr:customer_cdr", kwargs={"pk": record.customer_id})
        return format_html('<a href="{}?{}">Calls</a>', url, query)


class SummaryTable(tables.Table):
    """The customer page's Summary: one line per hour, day, week or month, in the reference's columns."""

    period = tables.Column(verbose_name="Date", attrs={"td": {"class": "text-nowrap"}}, orderable=False)
    asr = tables.Column(verbose_name="ASR %", attrs=NUMBER, orderable=False)
    acd = tables.Column(verbose_name="ACD", attrs=NUMBER, orderable=False)
    profit = tables.Column(verbose_name="Profit", attrs=NUMBER, orderable=False)
    margin = tables.Column(verbose_name="Profit %", attrs=NUMBER, orderable=False)
    revenue = tables.Column(verbose_name="Customer Charge", attrs=NUMBER, orderable=False)
    attempts = tables.Column(verbose_name="Attempts", attrs=NUMBER, orderable=False)
    answered = tables.Column(verbose_name="Connected", attrs=NUMBER, orderable=False)
    duration = tables.Column(verbose_name="Duration", attrs=NUMBER, orderable=False)
    billed_seconds = tables.Column(verbose_name="Billed Duration", attrs=NUMBER, orderable=False)
    download = tables.Column(verbose_name="CDR", accessor="period", orderable=False)

    class Meta:
        empty_text = "No calls in this time."
        attrs = {"class": "table table-sm table-hover align-middle", "id": "summary-table"}

    def __init__(self, data, *, unit: str, customer, **kwargs):
        self.unit, self.customer = unit, customer
        super().__init__(data, **kwargs)

    def render_period(self, value):
        value = value.astimezone(dt.UTC)
        if self.unit == "hour":
            return value.strftime("%Y-%m-%d %H:00")
        if self.unit == "week":
            return f"Week of {value:%Y-%m-%d}"
        return value.strftime("%Y-%m" if self.unit == "month" else "%Y-%m-%d")

    def render_acd(self, value):
        return duration_text(value)

    def render_duration(self, value):
        return duration_text(value)

    def render_billed_seconds(self, value):
        return duration_text(value)

    def render_profit(self, value, record):
        return format_money(value, record.currency)

    def render_revenue(self, value, record):
        return format_money(value, record.currency)

    def render_download(self, value):
        """The period's CDRs as CSV (whole days: the CDR search's grain)."""
        first = value.astimezone(dt.UTC).date()
        last = (period_end(value, self.unit) - dt.timedelta(seconds=1)).astimezone(dt.UTC).date()
        query = urlencode({"date_from": first.isoformat(), "date_to": last.isoformat()})
        url = reverse("cdr:customer_cdr_export", args=[self.customer.pk]) + "?" + query
        return format_html(
            '<a href="{}" title="Download these CDRs (CSV)"><i class="bi bi-download"></i> CSV</a>', url
        )
