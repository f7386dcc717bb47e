"""CDR screens: the CDR search (global, and as the customer's and carrier's CDR tab), its CSV
download, the Breakout report, and the customer's Balance History tab."""

import csv
import datetime as dt
from functools import cached_property

from django.db.models import F, Sum, Window
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views import View

from accounts.choices import Area
from carriers.selectors import carrier_list
from connexcs.keyset import keyset_page
from connexcs.paging import configure_table, page_size
from connexcs.permissions import AreaPermissionMixin
from connexcs.tabs import ViewTab
from connexcs.views import ObjectChildrenView, StaffView, TabsMixin, get_scoped_object
from customers.models import LedgerEntry
from customers.selectors import customer_list

from . import report_selectors as reports
from .filters import BalanceHistoryFilterSet, BreakoutForm, CdrSearchForm
from .tables import BalanceHistoryTable, BreakoutTable, SummaryTable

CUSTOMER_TABS = "customers.customer"
CARRIER_TABS = "carriers.carrier"


class CdrSearchMixin:
    """The search form, the scope the page fixes (`scope()`), the sort and the keyset page."""

    area = Area.CDR
    fixed: tuple[str, ...] = ()  # the form fields the page's scope replaces
    export_url_name = ""

    def scope(self) -> dict:
        return {}

    def export_url_kwargs(self) -> dict:
        return {}

    @cached_property
    def form(self) -> CdrSearchForm:
        return CdrSearchForm(self.request.GET, fixed=self.fixed)

    def sort(self) -> tuple[str, bool]:
        asked = self.request.GET.get("sort") or reports.CDR_DEFAULT_SORT
        name = asked.lstrip("-")
        if name not in reports.CDR_SORTS:
            name, asked = reports.CDR_DEFAULT_SORT.lstrip("-"), reports.CDR_DEFAULT_SORT
        return name, asked.startswith("-")

    def search(self):
        filters = self.form.filters() if self.form.is_valid() else None
        if filters is None:
            return None
        return reports.cdr_search(**self.scope(), **filters)


class CdrListBase(CdrSearchMixin, TabsMixin):
    template_name = "cdr/cdr_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        name, descending = self.sort()
        qs = self.search()
        size = page_size(self.request.GET.get("per_page"))
        page = None
        if qs is not None:
            page = keyset_page(
                qs,
                sort=reports.CDR_SORTS[name],
                descending=descending,
                size=size,
                after=self.request.GET.get("after"),
                before=self.request.GET.get("before"),
            )
        context.update(
            form=self.form,
            page=page,
            sort_name=name,
            descending=descending,
            links=self.page_links(page),
            sort_links=self.sort_links(name, descending),
            export_url=reverse(self.export_url_name, kwargs=self.export_url_kwargs()),
            query=self.query(drop=("after", "before", "page")),
        )
        return context

    def query(self, *, drop=(), **extra) -> str:
        params = self.request.GET.copy()
        for key in drop:
            params.pop(key, None)
        for key, value in extra.items():
            params[key] = value
        return params.urlencode()

    def current_page(self) -> int:
        try:
            return max(1, int(self.request.GET.get("page", 1)))
        except ValueError:
            return 1

    def page_links(self, page) -> dict:
        number = self.current_page()
        links = {"number": number, "next": None, "previous": None}
        if page is None:
            return links
        if page.next_token:
            links["next"] = "?" + self.query(drop=("before",), after=page.next_token, page=number + 1)
        if page.previous_token:
            back = max(1, number - 1)
            links["previous"] = "?" + self.query(drop=("after",), before=page.previous_token, page=back)
        return links

    def sort_links(self, name: str, descending: bool) -> dict:
        links = {}
        for column in reports.CDR_SORTS:
            # Clicking the current column flips it; another column starts descending (biggest first).
            flip = not descending if column == name else True
            value = f"-{column}" if flip else column
            links[column] = "?" + self.query(drop=("after", "before", "page"), sort=value)
        return links


class CdrSearchView(CdrListBase, StaffView):
    title = "CDR"
    export_url_name = "cdr:cdr_export"


class CustomerScoped:
    """The customer in the URL (404 outside the actor's scope) fixes the search to their calls."""

    tab_group = CUSTOMER_TABS
    fixed = ("customer",)

    @cached_property
    def customer(self):
        return get_scoped_object(customer_list(actor=self.request.user), pk=self.kwargs["pk"])

    def scope(self) -> dict:
        return {"customer": self.customer}

    def export_url_kwargs(self) -> dict:
        return {"pk": self.customer.pk}

    def get_tab_object(self):
        return self.customer


class CarrierScoped:
    tab_group = CARRIER_TABS
    fixed = ("carrier",)

    @cached_property
    def carrier(self):
        return get_scoped_object(carrier_list(actor=self.request.user), pk=self.kwargs["pk"])

    def scope(self) -> dict:
        return {"carrier": self.carrier}

    def export_url_kwargs(self) -> dict:
        return {"pk": self.carrier.pk}

    def get_tab_object(self):
        return self.carrier


class CustomerCdrView(CustomerScoped, CdrListBase, StaffView):
    tab = ViewTab("CDR", "cdr:customer_cdr", weight=60)
    template_name = "cdr/customer_cdr.html"
    export_url_name = "cdr:customer_cdr_export"

    def get_title(self):
        return f"{self.customer.name} · CDR"

    def get_breadcrumbs(self):
        return [
            ("Customers", reverse("customers:customer_list")),
            (str(self.customer), self.customer.get_absolute_url()),
            ("CDR", None),
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(customer=self.customer, **kwargs)


class CarrierCdrView(CarrierScoped, CdrListBase, StaffView):
    tab = ViewTab("CDR", "cdr:carrier_cdr", weight=60)
    template_name = "cdr/carrier_cdr.html"
    export_url_name = "cdr:carrier_cdr_export"

    def get_title(self):
        return f"{self.carrier.name} · CDR"

    def get_breadcrumbs(self):
        return [
            ("Carriers", reverse("carriers:carrier_list")),
            (str(self.carrier), self.carrier.get_absolute_url()),
            ("CDR", None),
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(carrier=self.carrier, **kwargs)


class _Echo:
    """A file-like whose write() hands the line back, for csv.writer over a StreamingHttpResponse."""

    def write(self, value):
        return value


class CdrExportBase(CdrSearchMixin, AreaPermissionMixin, View):
    """The search's rows as CSV (UTC), streamed from a server-side cursor; never all in memory."""

    filename = "cdr"

    def get(self, _request, *_args, **_kwargs):
        qs = self.search()
        if qs is None:  # bad filters: the search page names the field
            qs = reports.cdr_search(**self.scope()).none()
        name, descending = self.sort()
        sign = "-" if descending else ""
        writer = csv.writer(_Echo())
        rows = reports.cdr_csv_rows(qs, order=[f"{sign}{name}", f"{sign}id"])
        response = StreamingHttpResponse((writer.writerow(row) for row in rows), content_type="text/csv")
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="{self.filename}-{stamp}.csv"'
        return response


class CdrExportView(CdrExportBase):
    pass


class CustomerCdrExportView(CustomerScoped, CdrExportBase):
    filename = "customer-cdr"


class CarrierCdrExportView(CarrierScoped, CdrExportBase):
    filename = "carrier-cdr"


class BreakoutView(StaffView):
    area = Area.REPORT
    title = "Breakout"
    template_name = "cdr/breakout.html"
    per_page = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = reports.today_start().date()
        form = BreakoutForm(self.request.GET, today=today)
        context["form"] = form
        if form.is_bound and not form.is_valid():
            return context
        report_kwargs = form.report_kwargs()
        report = reports.breakout(**report_kwargs)
        series_period = report_kwargs["period"] or self.series_period(report_kwargs)
        series_kwargs = {k: v for k, v in report_kwargs.items() if k not in ("groups", "period")}
        series = reports.breakout_series(**series_kwargs, period=series_period)
        table = BreakoutTable(report.rows, groups=report.groups, period=report.period)
        context.update(
            report=report,
            table=configure_table(self.request, table, per_page=self.per_page),
            chart={
                "labels": [self.label(row.period, series_period) for row in series],
                "answered": [row.answered for row in series],
                "failed": [row.attempts - row.answered for row in series],
                "minutes": [float(row.minutes) for row in series],
                "asr": [float(row.asr) if row.asr is not None else None for row in series],
            },
        )
        return context

    @staticmethod
    def series_period(report_kwargs) -> str:
        return "hour" if report_kwargs["end"] - report_kwargs["start"] <= dt.timedelta(days=2) else "day"

    @staticmethod
    def label(moment: dt.datetime, period: str) -> str:
        moment = moment.astimezone(dt.UTC)
        return moment.strftime("%Y-%m-%d %H:00" if period == "hour" else "%Y-%m-%d")


class CustomerSummaryView(CustomerScoped, TabsMixin, StaffView):
    """Customer > Summary: calls and money per hour (24 Hours), day, week or month, from the rollups."""

    area = Area.CDR
    tab = ViewTab("Summary", "cdr:customer_summary", weight=15)
    template_name = "cdr/customer_summary.html"

    def get_title(self):
        return f"{self.customer.name} · Summary"

    def get_breadcrumbs(self):
        return [
            ("Customers", reverse("customers:customer_list")),
            (str(self.customer), self.customer.get_absolute_url()),
            ("Summary", None),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        view = self.request.GET.get("view", "24h")
        view = view if view in reports.SUMMARY_VIEWS else "24h"
        unit = reports.SUMMARY_VIEWS[view][0]
        report = reports.customer_summary(customer=self.customer, view=view)
        oldest_first = report.rows[::-1]
        context.update(
            customer=self.customer,
            report=report,
            views=[(key, label) for key, (_, _, label) in reports.SUMMARY_VIEWS.items()],
            summary_view=view,
            table=SummaryTable(report.rows, unit=unit, customer=self.customer),
            chart={
                "labels": [
                    BreakoutView.label(row.period, "hour" if unit == "hour" else "day")
                    for row in oldest_first
                ],
                "answered": [row.answered for row in oldest_first],
                "failed": [row.attempts - row.answered for row in oldest_first],
                "minutes": [float(row.minutes) for row in oldest_first],
                "asr": [float(row.asr) if row.asr is not None else None for row in oldest_first],
            },
        )
        return context


class BalanceHistoryView(ObjectChildrenView):
    """Every ledger entry of the customer, newest first, with the balance after it (calls included)."""

    area = Area.CUSTOMER
    tab = ViewTab("Balance History", "cdr:customer_balance_history", weight=45)
    tab_group = CUSTOMER_TABS
    parent_selector = customer_list
    parent_field = "customer"
    parent_context_name = "customer"
    parent_list_label = "Customers"
    parent_list_url_name = "customers:customer_list"
    template_name = "cdr/balance_history.html"
    table = BalanceHistoryTable
    filterset = BalanceHistoryFilterSet
    queryset = LedgerEntry.objects.all()

    def get_children(self):
        running = Window(Sum("amount"), order_by=[F("created_at").asc(), F("id").asc()])
        return super().get_children().annotate(balance_after=running)

    def get_title(self):
        return f"{self.parent.name} · Balance History"
