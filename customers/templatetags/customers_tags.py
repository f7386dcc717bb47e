from django import template

from connexcs.money import format_money
from customers.choices import PaymentStatus
from customers.selectors import customer_balance as balance

register = template.Library()


@register.simple_tag
def customer_balance(customer):
    if hasattr(customer, "balance"):
        return customer.balance
    return balance(customer)


@register.filter
def money(amount, currency=""):
    return format_money(amount, currency)


@register.simple_tag
def payment_statuses():
    return PaymentStatus.choices


@register.simple_tag
def payment_status_options(payment) -> list[tuple[str, str, str]]:
    """(value, label, question to confirm) per status; the question says what the balance does."""
    from customers.choices import PaymentStatus
    from customers.selectors import payment_balance_change

    options = []
    for value, label in PaymentStatus.choices:
        question = ""
        if value != payment.status:
            change = payment_balance_change(payment, value)
            amount = format_money(abs(change), payment.currency)
            effect = (
                f"The customer's balance goes up by {amount}."
                if change > 0
                else f"The customer's balance goes down by {amount}."
                if change < 0
                else "The customer's balance does not change."
            )
            question = f"Mark the payment “{payment.description}” as {label}? {effect}"
            if value == PaymentStatus.REFUNDED:
                question += " A refunded payment cannot change status again."
        options.append((value, label, question))
    return options
