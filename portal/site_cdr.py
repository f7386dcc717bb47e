"""CDR, Breakout and the Dashboard summary in the customer portal; Traffic in the carrier portal.

All reads go through cdr.report_selectors with the logged-in tenant as the scope (`customer=` or
`carrier=`), so a portal user never sees another tenant's calls. Columns are the brand's choice
(PortalDomain.cdr_*_columns / breakout_*_columns). A carrier sees the cost side only.
"""

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.utils import timezone

from cdr import report_selectors as reports
from connexcs.keyset import keyset_page

from .site_auth import CARRIER
from .site_pages import PortalPage, _Download

PAGE_SIZE = 50
MAX_DAYS = 93  # a quarter: the widest range one page or download may read


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    field: str  # on cdr.models.Cdr (or "status", computed from `answer`)
    numeric: bool = False


def _columns(*items) -> dict[str, Column]:
    return {c.key: c for c in items}


# What each of the brand's CDR column choices shows, for a customer (sell side) and a carrier (cost side).
CUSTOMER_CDR = _columns(
    Column("date", "Date", "start"),
    Column("cli", "CLI", "cli"),
    Column("dest_number", "Dest Number", "number"),
    Column("destination", "Destination", "destination"),
    Column("duration", "Duration", "duration", True),
    Column("billed_duration", "Billed Duration", "billed_seconds", True),
    Column("rate", "Rate", "rate", True),
    Column("charge", "Charge", "charge", True),
    Column("status", "Status", "status"),
    Column("sip_code", "SIP Code", "sip_code", True),
    Column("call_id", "Call ID", "call_id"),
    Column("carrier", "Carrier", "carrier__name"),
    Column("cost", "Cost", "cost", True),
)
CARRIER_CDR = _columns(
    Column("date", "Date", "start"),
    Column("cli", "CLI", "cli"),
    Column("dest_number", "Dest Number", "number"),
    Column("destination", "Destination Code", "carrier_prefix"),
    Column("duration", "Duration", "duration", True),
    Column("billed_duration", "Billed Duration", "carrier_billed_seconds", True),
    Column("rate", "Rate", "carrier_rate", True),
    Column("status", "Status", "status"),
    Column("sip_code", "SIP Code", "sip_code", True),
    Column("call_id", "Call ID", "call_id"),
    Column("cost", "Cost", "cost", True),
)


class RangeForm(forms.Form):
    date_from = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        today = timezone.now().astimezone(dt.UTC).date()
        start, end = data.get("date_from") or today, data.get("date_to") or today
        if end < start:
            self.add_error("date_to", "The end is before the start.")
        elif (end - start).days >= MAX_DAYS:
            self.add_error("date_to", f"Choose at most {MAX_DAYS} days.")
        data["date_from"], data["date_to"] = start, end
        return data

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) in UTC for the valid form, else today."""
        today = timezone.now().astimezone(dt.UTC).date()
        if self.is_valid():
            start, end = self.cleaned_data["date_from"], self.cleaned_data["date_to"]
        else:
            start = end = today
        midnight = dt.time(tzinfo=dt.UTC)
        return dt.datetime.combine(start, midnight), dt.datetime.combine(end + dt.timedelta(days=1), midnight)


def _cell(row: dict, column: Column):
    if column.field == "status":
        return "Answered" if row["answer"] else "Failed"
    value = row.get(column.field)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    return "" if value is None else value


def _csv(value):
    text = str(value)
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) and not _number(text) else text


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


class TrafficPage(PortalPage):
    """CDR search of the logged-in tenant: date range, the brand's columns, keyset pages, CSV."""

    template_name = "portal/site/cdr.html"
    title = "CDR"
    feature = "cdr"

    def scope(self) -> dict:
        return {"customer": self.request.portal_customer}

    def columns(self) -> list[Column]:
        return [CUSTOMER_CDR[key] for key in self.request.brand.cdr_customer_columns if key in CUSTOMER_CDR]

    def queryset(self, form):
        start, end = form.bounds()
        fields = {"id", "start", "answer", *(c.field for c in self.columns() if c.field != "status")}
        qs = reports.cdr_search(start=start, end=end, **self.scope())
        return qs.values(*sorted(fields))

    def get(self, request, *args, **kwargs):
        form = RangeForm(request.GET or None)
        if kwargs.get("download"):
            return self.download(form)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = RangeForm(self.request.GET or None)
        columns = self.columns()
        page = keyset_page(
            self.queryset(form),
            sort=reports.CDR_SORTS["start"],
            descending=True,
            size=PAGE_SIZE,
            after=self.request.GET.get("after"),
            before=self.request.GET.get("before"),
        )
        rows = [[(_cell(row, c), c.numeric) for c in columns] for row in page.rows]
        query = self.request.GET.copy()
        for key in ("after", "before"):
            query.pop(key, None)
        context.update(form=form, columns=columns, rows=rows, page=page, query=query.urlencode())
        context["download_url"] = f"{self.request.path}download/?{query.urlencode()}"
        return context

    def download(self, form):
        columns = self.columns()

        def rows():
            yield [c.label for c in columns]
            for row in self.queryset(form).order_by("-start", "-id").iterator(chunk_size=2000):
                yield [_csv(_cell(row, c)) for c in columns]

        name = "traffic" if self.audience == CARRIER else "cdr"
        return _Download.response(rows(), name, "csv")


class CarrierTrafficView(TrafficPage):
    """The carrier's calls as it saw them: its prefix, billed seconds, rate and cost (never the sell side)."""

    title = "Traffic"
    audience = CARRIER
    feature = "carrier_portal"

    def scope(self) -> dict:
        return {"carrier": self.request.portal_carrier}

    def columns(self) -> list[Column]:
        return [CARRIER_CDR[key] for key in self.request.brand.cdr_carrier_columns if key in CARRIER_CDR]


# Breakout: the brand's columns -> (label, value of a BreakoutRow)
BREAKOUT = {
    "destination": ("Destination", lambda r: r.destination),
    "prefix": ("Prefix", lambda r: r.prefix),
    "calls": ("Calls", lambda r: r.answered),
    "attempts": ("Attempts", lambda r: r.attempts),
    "duration": ("Minutes", lambda r: r.minutes),
    "asr": ("ASR %", lambda r: r.asr),
    "acd": ("ACD (s)", lambda r: r.acd),
    "billed": ("Billed Amount", lambda r: r.revenue),
    "cost": ("Cost", lambda r: r.cost),
    "profit": ("Profit", lambda r: r.profit),
}


class BreakoutView(PortalPage):
    template_name = "portal/site/breakout.html"
    title = "Breakout"
    feature = "breakout"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = RangeForm(self.request.GET or None)
        start, end = form.bounds()
        report = reports.breakout(
            start=start, end=end, customer=self.request.portal_customer, groups=["destination"]
        )
        keys = [k for k in self.request.brand.breakout_customer_columns if k in BREAKOUT]
        context.update(
            form=form,
            headers=[BREAKOUT[k][0] for k in keys],
            rows=[[BREAKOUT[k][1](row) for k in keys] for row in report.rows],
            totals=[
                [BREAKOUT[k][1](row) if k not in ("destination", "prefix") else "" for k in keys]
                for row in report.totals
            ],
            truncated=report.truncated,
        )
        return context


@dataclass(frozen=True)
class Summary:
    label: str
    calls: int
    asr: object
    acd: object
    minutes: object
    spend: object
    currency: str


def summaries(customer) -> list[Summary]:
    """Today's and this month's (UTC) calls, ASR, ACD, minutes and spend, from the hourly rollups."""
    today = reports.today_start()
    month = today.replace(day=1)
    out = []
    for label, start in (("Today", today), ("This month", month)):
        report = reports.breakout(start=start, end=today + dt.timedelta(days=1), customer=customer, groups=[])
        total = next((t for t in report.totals if t.currency == customer.currency), None)
        if total is None:
            out.append(Summary(label, 0, None, None, 0, 0, customer.currency))
        else:
            out.append(
                Summary(
                    label,
                    total.answered,
                    total.asr,
                    total.acd,
                    total.minutes,
                    total.revenue,
                    customer.currency,
                )
            )
    return out
