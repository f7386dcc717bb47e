"""Reads of customers and their money. Balances are always summed from the ledger."""

from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from connexcs.money import AMOUNT_DIGITS, AMOUNT_PLACES, ZERO

from .choices import PaymentStatus
from .models import Customer, LedgerEntry, Payment

_MONEY = DecimalField(max_digits=AMOUNT_DIGITS + 4, decimal_places=AMOUNT_PLACES)


def balance_subquery(customer_ref: str = "pk") -> Coalesce:
    """The ledger sum for the customer at `OuterRef(customer_ref)`, 0 when it has no entries."""
    total = (
        LedgerEntry.objects.filter(customer=OuterRef(customer_ref))
        .order_by()
        .values("customer")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=_MONEY), Value(ZERO), output_field=_MONEY)


def with_balance(qs: QuerySet[Customer]) -> QuerySet[Customer]:
    return qs.annotate(balance=balance_subquery())


def with_credit(qs: QuerySet[Customer], *, has_credit: bool) -> QuerySet[Customer]:
    """Customers that may (or may not) place calls by money: balance + debit limit > 0.

    The same rule as routing's CustomerInfo.has_credit; `qs` must come from with_balance().
    """
    qs = qs.alias(headroom=F("balance") + F("debit_limit"))
    return qs.filter(headroom__gt=0) if has_credit else qs.filter(headroom__lte=0)


def customer_balance(customer: Customer) -> Decimal:
    total = LedgerEntry.objects.filter(customer=customer).aggregate(total=Sum("amount"))["total"]
    return (total or ZERO).quantize(Decimal(1).scaleb(-AMOUNT_PLACES))


def customer_list(*, actor) -> QuerySet[Customer]:
    return with_balance(Customer.objects.all())


def payment_balance_change(payment: Payment, status: str) -> Decimal:
    """How much the customer's balance moves if `payment` gets `status`: only Complete counts."""
    booked = payment.amount if payment.status == PaymentStatus.COMPLETE else ZERO
    wanted = payment.amount if status == PaymentStatus.COMPLETE else ZERO
    return wanted - booked


def customer_delete_refusal(customer: Customer) -> str:
    """Why `customer` may not be deleted, or "" when it may; customer_delete enforces the same."""
    if customer.ledger_entries.exists() or customer.payments.exists():
        return f"{customer} has payments or charges, which must be kept; set its status to Inactive instead."
    if customer.ingress_routes.exists():
        return (
            f"{customer} still has ingress routes; delete them first, or set its status to Inactive instead."
        )
    return ""
