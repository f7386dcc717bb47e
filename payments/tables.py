import django_tables2 as tables

from connexcs.money import format_money

from .models import OnlinePayment, PaymentGateway


class GatewayTable(tables.Table):
    name = tables.LinkColumn("payments:gateway_edit", args=[tables.A("pk")], verbose_name="Name")
    kind = tables.Column(verbose_name="Type")
    public_key = tables.Column(verbose_name="Client ID / Public Key")
    currencies = tables.Column(orderable=False)
    check_status = tables.TemplateColumn(
        template_name="payments/inc/check_status.html", verbose_name="Check", orderable=False
    )
    actions = tables.TemplateColumn(
        template_name="payments/inc/gateway_actions.html", verbose_name="", orderable=False
    )

    class Meta:
        model = PaymentGateway
        fields = ["name", "kind", "mode", "public_key", "currencies", "check_status"]
        order_by = "name"
        empty_text = "No payment gateways yet: Add New > PayPal or Stripe."

    def render_currencies(self, value):
        return ", ".join(value)


class OnlinePaymentTable(tables.Table):
    created_at = tables.DateTimeColumn(verbose_name="Date / Time")
    customer = tables.LinkColumn(
        "customers:customer_payments",
        args=[tables.A("payment__customer_id")],
        accessor="payment__customer__name",
        verbose_name="Customer",
    )
    gateway = tables.Column(accessor="gateway__name", verbose_name="Gateway")
    provider_reference = tables.Column(verbose_name="Provider Reference")
    amount = tables.Column(
        accessor="payment__amount", verbose_name="Amount", attrs={"td": {"class": "text-end"}}
    )
    fee = tables.Column(verbose_name="Fee", attrs={"td": {"class": "text-end"}})
    status = tables.Column(accessor="payment__status", verbose_name="Status")

    class Meta:
        model = OnlinePayment
        fields = ["created_at", "customer", "gateway", "provider_reference", "amount", "fee", "status"]
        order_by = "-created_at"
        empty_text = "No online payments yet."

    def render_amount(self, value, record):
        return format_money(value, record.currency)

    def render_fee(self, value, record):
        return format_money(value, record.currency)

    def render_status(self, record):
        return record.payment.get_status_display()
