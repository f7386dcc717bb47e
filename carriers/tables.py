import django_tables2 as tables

from connexcs.bulk import TickColumn
from connexcs.columns import LimitColumn
from connexcs.money import format_money

from .models import Carrier, CarrierPayment, Gateway


class CarrierTable(tables.Table):
    pk = TickColumn()  # Bulk Edit and Delete act on the ticked rows
    name = tables.LinkColumn("carriers:carrier_detail", args=[tables.A("pk")])
    gateway_count = tables.Column(verbose_name="Gateways", attrs={"td": {"class": "text-end"}})
    channels = LimitColumn()
    cps = LimitColumn(verbose_name="CPS")
    # Informational, as the reference docs' Credit column: a carrier's balance never stops a call.
    balance = tables.Column(
        verbose_name="Balance",
        attrs={"td": {"class": "text-end font-monospace"}, "th": {"class": "text-end"}},
    )

    class Meta:
        model = Carrier
        fields = ["pk", "name", "status", "currency", "channels", "cps", "gateway_count", "balance"]
        order_by = "name"
        empty_text = "No carriers yet."

    def render_currency(self, record):
        return record.currency

    def render_balance(self, value, record):
        return format_money(value, record.currency)


class GatewayTable(tables.Table):
    address = tables.Column(verbose_name="Address")
    resolved = tables.TemplateColumn(
        template_name="customers/inc/resolved_cell.html", verbose_name="Resolved", orderable=False
    )
    actions = tables.TemplateColumn(
        template_name="carriers/inc/gateway_actions.html", verbose_name="", orderable=False
    )

    class Meta:
        model = Gateway
        fields = ["address", "kind", "port", "protocol", "weight", "enabled"]
        sequence = (*fields, "resolved", "actions")
        empty_text = "No IP authentication yet."


class CarrierPaymentTable(tables.Table):
    paid_on = tables.Column(verbose_name="Date")
    direction = tables.Column(verbose_name="Type")
    amount = tables.Column(
        verbose_name="Total", attrs={"td": {"class": "text-end font-monospace"}, "th": {"class": "text-end"}}
    )
    actor = tables.Column(verbose_name="Entered by")
    status = tables.TemplateColumn(
        template_name="carriers/inc/carrier_payment_status.html",
        verbose_name="Status",
        order_by=("voided_at",),
    )

    class Meta:
        model = CarrierPayment
        fields = ["paid_on", "direction", "amount", "reference", "description", "actor"]
        sequence = (*fields, "status")
        order_by = "-paid_on"
        empty_text = "No payments yet."

    def render_amount(self, value, record):
        return format_money(value, record.currency)
