"""Reads behind the CDR search, the Breakout report and the dashboard figures.

Every function takes the scope as keywords (`customer=`, `carrier=`) so the customer and carrier
portals reuse them with the logged-in tenant fixed. The Breakout and today's figures read the hourly
rollups (`CdrHourly`), never raw CDRs; `breakout_from_cdrs` computes the same report by GROUP BY over
raw CDRs and exists to prove the two agree (tests) and to measure the difference (bench/breakout.py).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from connexcs.keyset import KeysetSort, parse_datetime, parse_decimal, parse_int
from connexcs.money import ZERO

from .models import Cdr

# The CDR search's sortable columns (each with the id as tie-breaker). `start` is the default.
CDR_SORTS = {
    "start": KeysetSort("start", parse_datetime),
    "duration": KeysetSort("duration", parse_int),
    "charge": KeysetSort("charge", parse_decimal),
    "sip_code": KeysetSort("sip_code", parse_int),
}
CDR_DEFAULT_SORT = "-start"

# The columns of the CSV download, in order: (header, field).
CSV_COLUMNS = [
    ("Call ID", "call_id"),
    ("Call Time (UTC)", "start"),
    ("Answer Time (UTC)", "answer"),
    ("End Time (UTC)", "end"),
    ("CLI", "cli"),
    ("Customer", "customer__name"),
    ("Carrier", "carrier__name"),
    ("Destination", "number"),
    ("Destination Code", "prefix"),
    ("Destination Name", "destination"),
    ("Duration", "duration"),
    ("Billed Duration", "billed_seconds"),
    ("Rate", "rate"),
    ("Connect Cost", "connect_cost"),
    ("Charge", "charge"),
    ("Currency", "currency"),
    ("Cost", "cost"),
    ("Cost Currency", "carrier_currency"),
    ("SIP Code", "sip_code"),
    ("SIP Reason", "sip_reason"),
    ("Source IP", "source_ip"),
    ("SIP User", "sip_user"),
]


def cdr_search(
    *,
    customer=None,
    carrier=None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    number_prefix: str = "",
    cli_prefix: str = "",
    sip_code: int | None = None,
    answered_only: bool = False,
) -> QuerySet[Cdr]:
    """CDRs in [start, end), of the customer and/or carrier given; the caller orders and pages them."""
    qs = Cdr.objects.select_related("customer", "carrier")
    if customer is not None:
        qs = qs.filter(customer=customer)
    if carrier is not None:
        qs = qs.filter(carrier=carrier)
    if start is not None:
        qs = qs.filter(start__gte=start)
    if end is not None:
        qs = qs.filter(start__lt=end)
    if number_prefix:
        qs = qs.filter(number__startswith=number_prefix)
    if cli_prefix:
        qs = qs.filter(cli__startswith=cli_prefix)
    if sip_code is not None:
        qs = qs.filter(sip_code=sip_code)
    if answered_only:
        qs = qs.filter(answer__isnull=False)
    return qs


def cdr_csv_rows(qs: QuerySet[Cdr], *, order: list[str]):
    """The CSV rows of `qs`, read through a server-side cursor a chunk at a time (never all in memory)."""
    fields = [name for _, name in CSV_COLUMNS]
    yield [header for header, _ in CSV_COLUMNS]
    for row in qs.order_by(*order).values_list(*fields).iterator(chunk_size=2000):
        yield [_csv_cell(value) for value in row]


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    return value


# ---- Breakout --------------------------------------------------------------------------------------

GROUPS = {"customer": "Customer", "carrier": "Carrier", "destination": "Destination"}
PERIODS = {"day": "Day", "hour": "Hour"}  # the Breakout form's choices
PERIOD_UNITS = ("hour", "day", "week", "month")  # date_trunc units a report may group by


@dataclass
class BreakoutRow:
    """One line of the Breakout: the group's keys, then the traffic and money figures."""

    period: dt.datetime | None = None
    customer_id: int | None = None
    customer: str = ""
    carrier_id: int | None = None
    carrier: str = ""
    prefix: str = ""
    destination: str = ""
    currency: str = ""  # the customer's: the ingest rates both the charge and the cost in it
    attempts: int = 0
    answered: int = 0
    duration: int = 0
    billed_seconds: int = 0
    revenue: Decimal = ZERO
    cost: Decimal = ZERO

    @property
    def asr(self) -> Decimal | None:
        """Answered / attempts, in percent."""
        if not self.attempts:
            return None
        return (Decimal(self.answered) * 100 / self.attempts).quantize(Decimal("0.01"))

    @property
    def acd(self) -> int | None:
        """Average answered call duration, in seconds."""
        return round(self.duration / self.answered) if self.answered else None

    @property
    def minutes(self) -> Decimal:
        """Billed minutes."""
        return (Decimal(self.billed_seconds) / 60).quantize(Decimal("0.01"))

    @property
    def profit(self) -> Decimal:
        """Revenue less cost (both in the customer's currency)."""
        return self.revenue - self.cost

    @property
    def margin(self) -> Decimal | None:
        """Profit as a percentage of revenue."""
        if not self.revenue:
            return None
        return (self.profit * 100 / self.revenue).quantize(Decimal("0.01"))


@dataclass
class Breakout:
    rows: list[BreakoutRow]
    totals: list[BreakoutRow]  # one per currency
    truncated: bool = False
    groups: list[str] = field(default_factory=list)
    period: str = ""


BREAKOUT_ROW_LIMIT = 5000


def _run_breakout(
    *,
    raw: bool,
    start: dt.datetime,
    end: dt.datetime,
    customer=None,
    carrier=None,
    prefix: str = "",
    groups: list[str],
    period: str = "",
    limit: int = BREAKOUT_ROW_LIMIT,
) -> Breakout:
    groups = [g for g in GROUPS if g in groups]  # a fixed order, and only known names reach SQL
    period = period if period in PERIOD_UNITS else ""
    alias = "c" if raw else "h"
    time_column = "c.start" if raw else "h.hour"
    where = [f"{time_column} >= %s", f"{time_column} < %s"]
    params: list = [start, end]
    if customer is not None:
        where.append(f"{alias}.customer_id = %s")
        params.append(getattr(customer, "pk", customer))
    if carrier is not None:
        where.append(f"{alias}.carrier_id = %s")
        params.append(getattr(carrier, "pk", carrier))
    if prefix:
        where.append(f"{alias}.prefix LIKE %s")
        params.append(prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
    # Inner: sum by ids only (narrow keys, no joins), per customer because the currency is theirs.
    inner_keys, outer_keys = [], []
    if period:
        inner_keys.append(f"date_trunc('{period}', {time_column}) AS period")
        outer_keys.append("t.period")
    inner_keys.append(f"{alias}.customer_id")
    if "customer" in groups:
        outer_keys += ["t.customer_id", "cu.name"]
    if "carrier" in groups:
        inner_keys.append(f"{alias}.carrier_id")
        outer_keys += ["t.carrier_id", "ca.name"]
    if "destination" in groups:
        inner_keys += [f"{alias}.prefix", f"{alias}.destination"]
        outer_keys += ["t.prefix", "t.destination"]
    if raw:
        measures = (
            "COUNT(*) AS a, COUNT(c.answer) AS an, COALESCE(SUM(c.duration), 0) AS du, "
            "COALESCE(SUM(c.billed_seconds), 0) AS b, COALESCE(SUM(c.charge), 0) AS r, "
            "COALESCE(SUM(c.cost), 0) AS co"
        )
        source = "cdr_cdr c"
    else:
        measures = (
            "SUM(h.attempts) AS a, SUM(h.answered) AS an, SUM(h.duration) AS du, "
            "SUM(h.billed_seconds) AS b, SUM(h.revenue) AS r, SUM(h.cost) AS co"
        )
        source = "cdr_cdrhourly h"
    inner = (
        f"SELECT {', '.join(inner_keys)}, {measures} FROM {source} "  # noqa: S608 - fixed names only
        f"WHERE {' AND '.join(where)} GROUP BY {', '.join(str(i + 1) for i in range(len(inner_keys)))}"
    )
    joins = "JOIN customers_customer cu ON cu.id = t.customer_id"
    if "carrier" in groups:  # carriers' names, only when asked for
        joins += " LEFT JOIN carriers_carrier ca ON ca.id = t.carrier_id"
    columns = [*outer_keys, "cu.currency"]
    sums = "SUM(t.a), SUM(t.an), SUM(t.du), SUM(t.b), SUM(t.r), SUM(t.co)"
    order = ["1"] if period else []
    # Busiest first within a period: by revenue, then attempts; then the keys, so the order is total.
    order += [f"{len(columns) + 5} DESC", f"{len(columns) + 1} DESC"]
    order += [str(i + 1) for i in range(len(columns))]
    sql = (
        f"SELECT {', '.join(columns)}, {sums} FROM ({inner}) AS t {joins} "  # noqa: S608 - fixed names
        f"GROUP BY {', '.join(columns)} ORDER BY {', '.join(order)} LIMIT %s"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # A report is short: compiling it (JIT) costs more than it saves; its grouping fits in memory
        # (hashing tens of thousands of rollup rows beats sorting them on disk).
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(sql, [*params, limit + 1])
        records = cursor.fetchall()
    truncated = len(records) > limit
    rows = [_breakout_row(record, period=period, groups=groups) for record in records[:limit]]
    return Breakout(
        rows=rows,
        totals=_totals(rows) if not truncated else [],
        truncated=truncated,
        groups=groups,
        period=period,
    )


def _breakout_row(record, *, period: str, groups: list[str]) -> BreakoutRow:
    values = list(record)
    row = BreakoutRow()
    if period:
        row.period = values.pop(0)
    for name in groups:
        first, second = values.pop(0), values.pop(0)
        if name == "customer":
            row.customer_id, row.customer = first, second or ""
        elif name == "carrier":
            row.carrier_id, row.carrier = first, second or ""
        else:
            row.prefix, row.destination = first or "", second or ""
    row.currency = values.pop(0)
    attempts, answered, duration, billed, revenue, cost = values
    row.attempts, row.answered = int(attempts), int(answered)
    row.duration, row.billed_seconds = int(duration), int(billed)
    row.revenue, row.cost = Decimal(revenue), Decimal(cost)
    return row


def _totals(rows: list[BreakoutRow]) -> list[BreakoutRow]:
    by_currency: dict[str, BreakoutRow] = {}
    for row in rows:
        total = by_currency.setdefault(row.currency, BreakoutRow(currency=row.currency))
        total.attempts += row.attempts
        total.answered += row.answered
        total.duration += row.duration
        total.billed_seconds += row.billed_seconds
        total.revenue += row.revenue
        total.cost += row.cost
    return [by_currency[currency] for currency in sorted(by_currency)]


def breakout(
    *,
    start: dt.datetime,
    end: dt.datetime,
    customer=None,
    carrier=None,
    prefix: str = "",
    groups: list[str] = ("customer",),
    period: str = "",
    limit: int = BREAKOUT_ROW_LIMIT,
) -> Breakout:
    """The Breakout from the hourly rollups: traffic and money per group (and day or hour) in [start, end).

    `start` and `end` are whole hours (UTC), the rollups' grain.
    """
    return _run_breakout(
        raw=False,
        start=start,
        end=end,
        customer=customer,
        carrier=carrier,
        prefix=prefix,
        groups=list(groups),
        period=period,
        limit=limit,
    )


def breakout_from_cdrs(
    *,
    start: dt.datetime,
    end: dt.datetime,
    customer=None,
    carrier=None,
    prefix: str = "",
    groups: list[str] = ("customer",),
    period: str = "",
    limit: int = BREAKOUT_ROW_LIMIT,
) -> Breakout:
    """The same report by GROUP BY over raw CDRs: the yardstick the rollups are held to."""
    return _run_breakout(
        raw=True,
        start=start,
        end=end,
        customer=customer,
        carrier=carrier,
        prefix=prefix,
        groups=list(groups),
        period=period,
        limit=limit,
    )


def breakout_series(
    *,
    start: dt.datetime,
    end: dt.datetime,
    customer=None,
    carrier=None,
    prefix: str = "",
    period: str = "day",
) -> list[BreakoutRow]:
    """Totals per day or hour, oldest first: the Breakout's chart."""
    report = breakout(
        start=start, end=end, customer=customer, carrier=carrier, prefix=prefix, groups=[], period=period
    )
    merged: dict[dt.datetime, BreakoutRow] = {}
    for row in report.rows:  # one row per period and currency pair; the chart counts calls
        total = merged.setdefault(row.period, BreakoutRow(period=row.period))
        total.attempts += row.attempts
        total.answered += row.answered
        total.duration += row.duration
        total.billed_seconds += row.billed_seconds
    return [merged[key] for key in sorted(merged)]


# ---- A customer's Summary ---------------------------------------------------------------------------

# The customer page's Summary views: (date_trunc unit, how many periods back, label).
SUMMARY_VIEWS = {
    "24h": ("hour", 24, "24 Hours"),
    "daily": ("day", 31, "Daily"),
    "weekly": ("week", 12, "Weekly"),
    "monthly": ("month", 12, "Monthly"),
}


def _period_start(moment: dt.datetime, unit: str, back: int) -> dt.datetime:
    """The start of the period `back` periods before the one holding `moment` (UTC)."""
    moment = moment.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
    if unit == "hour":
        return moment - dt.timedelta(hours=back)
    day = moment.replace(hour=0)
    if unit == "day":
        return day - dt.timedelta(days=back)
    if unit == "week":
        return day - dt.timedelta(days=day.weekday() + 7 * back)
    month = day.replace(day=1)
    year, index = divmod(month.year * 12 + month.month - 1 - back, 12)
    return month.replace(year=year, month=index + 1)


def period_end(start: dt.datetime, unit: str) -> dt.datetime:
    return _period_start(start, unit, -1)


def customer_summary(*, customer, view: str, now: dt.datetime | None = None) -> Breakout:
    """The customer's traffic and money per hour, day, week or month (`view`, a SUMMARY_VIEWS key),
    newest first, from the hourly rollups; the current period included."""
    unit, count, _ = SUMMARY_VIEWS[view]
    now = now or timezone.now()
    start = _period_start(now, unit, count - 1)
    end = period_end(_period_start(now, unit, 0), unit)
    report = breakout(start=start, end=end, customer=customer, groups=[], period=unit)
    report.rows.sort(key=lambda row: row.period, reverse=True)
    return report


# ---- Today -----------------------------------------------------------------------------------------


@dataclass
class TodaySummary:
    attempts: int
    answered: int
    revenue: dict[str, Decimal]  # by currency

    @property
    def asr(self) -> Decimal | None:
        if not self.attempts:
            return None
        return (Decimal(self.answered) * 100 / self.attempts).quantize(Decimal("0.1"))


def today_start(now: dt.datetime | None = None) -> dt.datetime:
    """Midnight UTC of today: CDRs and daily totals are in UTC."""
    now = (now or timezone.now()).astimezone(dt.UTC)
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def today_summary(*, customer=None, carrier=None, now: dt.datetime | None = None) -> TodaySummary:
    """Today's (UTC) calls, answered calls and revenue per currency, from the rollups."""
    start = today_start(now)
    report = breakout(
        start=start, end=start + dt.timedelta(days=1), customer=customer, carrier=carrier, groups=[]
    )
    revenue: dict[str, Decimal] = {}
    for row in report.rows:
        revenue[row.currency] = revenue.get(row.currency, ZERO) + row.revenue
    return TodaySummary(
        attempts=sum(r.attempts for r in report.rows),
        answered=sum(r.answered for r in report.rows),
        revenue=revenue,
    )
