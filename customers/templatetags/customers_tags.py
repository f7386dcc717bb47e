from django import template
from django.urls import NoReverseMatch, reverse

from connexcs.money import format_money

register = template.Library()

# (label, url name); each takes the customer's pk. Routing belongs to another app and is shown
# only once that app serves it.
TABS = [
    ("Main", "customers:customer_detail"),
    ("Authentication", "customers:customer_auth"),
    ("Routing", "routing:customer_routing"),
    ("Payments", "customers:customer_payments"),
    ("Contacts", "customers:customer_contacts"),
]


@register.simple_tag
def customer_tabs(customer) -> list[tuple[str, str]]:
    tabs = []
    for label, name in TABS:
        try:
            tabs.append((label, reverse(name, kwargs={"pk": customer.pk})))
        except NoReverseMatch:
            continue
    return tabs


@register.simple_tag
def customer_balance(customer):
    if hasattr(customer, "balance"):
        return customer.balance
    from customers.selectors import customer_balance as balance

    return balance(customer)


@register.filter
def money(amount, currency=""):
    return format_money(amount, currency)


@register.simple_tag
def payment_statuses():
    from customers.choices import PaymentStatus

    return PaymentStatus.choices
