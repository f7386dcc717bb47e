from datetime import timedelta

import django_tables2 as tables
from django.utils import timezone

from accounts.dates import panel_date
from connexcs.money import format_money

from . import schedule
from .choices import ChargeKind, PackageType
from .models import CustomerPackage, Package


class PackageTable(tables.Table):
    name = tables.LinkColumn("packages:package_edit", args=[tables.A("pk")])
    retail = tables.Column(attrs={"td": {"class": "text-end font-monospace"}})
    setup_retail = tables.Column(
        verbose_name="Setup Retail", attrs={"td": {"class": "text-end font-monospace"}}
    )
    customers = tables.Column(verbose_name="Customers", attrs={"td": {"class": "text-end"}})
    enabled = tables.BooleanColumn()

    class Meta:
        model = Package
        fields = [
            "name",
            "type",
            "frequency",
            "retail",
            "setup_retail",
            "minimum_spend",
            "customers",
            "enabled",
        ]
        order_by = "name"
        empty_text = "No packages yet."

    def render_retail(self, value):
        return format_money(value)

    def render_setup_retail(self, value):
        return format_money(value)


def _today():
    return timezone.now().date()


class CustomerPackageTable(tables.Table):
    package = tables.Column(accessor="package__name", verbose_name="Package")
    start_date = tables.Column(verbose_name="Start Date")
    retail = tables.Column(accessor="package__retail", verbose_name="Retail", orderable=False)
    setup = tables.Column(empty_values=(), verbose_name="Setup Charged", orderable=False)
    next_billing = tables.Column(empty_values=(), verbose_name="Next Billing Date", orderable=False)
    free_minutes = tables.Column(empty_values=(), verbose_name="Free Minutes Left", orderable=False)
    removable = tables.Column(empty_values=(), verbose_name="Removable From", orderable=False)
    actions = tables.TemplateColumn(
        template_name="packages/inc/customer_package_actions.html", verbose_name="", orderable=False
    )

    class Meta:
        model = CustomerPackage
        fields = ["package", "start_date", "retail"]
        sequence = (
            "package",
            "start_date",
            "retail",
            "setup",
            "next_billing",
            "free_minutes",
            "removable",
            "actions",
        )
        order_by = "package"
        empty_text = "This customer holds no packages."

    def render_retail(self, value, record):
        return format_money(value, record.customer.currency)

    def render_setup(self, record):
        charged = [c.amount for c in record.charges.all() if c.kind == ChargeKind.SETUP]
        return format_money(sum(charged), record.customer.currency) if charged else "—"

    def render_next_billing(self, record):
        package = record.package
        day = schedule.upcoming(
            package.frequency, package.frequency_match, record.start_date, record.billed_through, _today()
        )
        return panel_date(day) if day else "—"

    def render_free_minutes(self, record):
        package = record.package
        if package.type != PackageType.FREE_MINUTES:
            return "—"
        period = schedule.period_start(
            package.frequency, package.frequency_match, record.start_date, _today()
        )
        used = sum(u.seconds_used for u in record.usages.all() if u.period_start == period)
        left = max(0, package.free_minutes * 60 - used)
        minutes, seconds = divmod(left, 60)
        return f"{minutes} of {package.free_minutes}" + (f" (+{seconds} s)" if seconds else "")

    def render_removable(self, record):
        day = record.start_date + timedelta(days=record.package.minimum_days)
        return "Now" if day <= _today() else panel_date(day)
