"""Reads of customers and their money. Balances are always summed from the ledger."""

from decimal import Decimal

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from connexcs.money import AMOUNT_DIGITS, AMOUNT_PLACES, ZERO

from .models import Customer, LedgerEntry

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


def customer_balance(customer: Customer) -> Decimal:
    total = LedgerEntry.objects.filter(customer=customer).aggregate(total=Sum("amount"))["total"]
    return (total or ZERO).quantize(Decimal(1).scaleb(-AMOUNT_PLACES))


def customer_list(*, actor) -> QuerySet[Customer]:
    return with_balance(Customer.objects.all())


def customer_get(*, actor, pk) -> Customer:
    return with_balance(Customer.objects.all()).get(pk=pk)
