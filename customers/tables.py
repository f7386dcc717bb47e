import django_tables2 as tables

from connexcs.bulk import TickColumn
from connexcs.columns import LimitColumn
from connexcs.money import format_money

from .models import Contact, Customer, IPAuth, Payment, SIPUser


class MoneyColumn(tables.Column):
    """An amount shown in the row's currency (`currency_accessor`)."""

    def __init__(self, *args, currency_accessor="currency", **kwargs):
        self.currency_accessor = currency_accessor
        kwargs.setdefault("attrs", {"td": {"class": "text-end font-monospace"}, "th": {"class": "text-end"}})
        super().__init__(*args, **kwargs)

    def render(self, value, record):
        return format_money(value, tables.A(self.currency_accessor).resolve(record))


class CustomerTable(tables.Table):
    pk = TickColumn()  # Send, Bulk Edit and Delete act on the ticked rows
    name = tables.LinkColumn("customers:customer_detail", args=[tables.A("pk")])
    balance = MoneyColumn(verbose_name="Balance")
    debit_limit = MoneyColumn(verbose_name="Debit Limit")
    channels = LimitColumn()

    class Meta:
        model = Customer
        fields = ["pk", "name", "status", "currency", "balance", "debit_limit", "channels"]
        order_by = "name"
        empty_text = "No customers yet."

    def render_currency(self, record):
        return record.currency


class IPAuthTable(tables.Table):
    address = tables.Column(verbose_name="Address")
    channels = LimitColumn()
    cps = LimitColumn(verbose_name="CPS")
    resolved = tables.TemplateColumn(
        template_name="customers/inc/resolved_cell.html", verbose_name="Resolved", orderable=False
    )
    actions = tables.TemplateColumn(
        template_name="customers/inc/ipauth_actions.html", verbose_name="", orderable=False
    )

    class Meta:
        model = IPAuth
        fields = ["address", "kind", "direction", "protocol", "port", "channels", "cps", "tech_prefix"]
        sequence = (*fields, "resolved", "actions")
        empty_text = "No IP authentication yet."


class SIPUserTable(tables.Table):
    password = tables.TemplateColumn(
        template_name="customers/inc/sipuser_password.html", verbose_name="Password", orderable=False
    )
    actions = tables.TemplateColumn(
        template_name="customers/inc/sipuser_actions.html", verbose_name="", orderable=False
    )

    class Meta:
        model = SIPUser
        fields = ["username", "enabled", "created_at"]
        sequence = ("username", "password", "enabled", "created_at", "actions")
        empty_text = "No SIP users yet."


class PaymentTable(tables.Table):
    amount = MoneyColumn()
    actions = tables.TemplateColumn(
        template_name="customers/inc/payment_actions.html", verbose_name="Change status", orderable=False
    )

    class Meta:
        model = Payment
        fields = ["created_at", "description", "amount", "status", "actor"]
        order_by = "-created_at"
        empty_text = "No payments yet."


class ContactTable(tables.Table):
    actions = tables.TemplateColumn(
        template_name="customers/inc/contact_actions.html", verbose_name="", orderable=False
    )

    class Meta:
        model = Contact
        fields = ["name", "email", "phone"]
        empty_text = "No contacts yet."
