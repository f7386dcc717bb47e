"""Reads of customers and their money. Balances are always summed from the ledger."""

from decimal import Decimal

from django.db.models import DecimalField, Exists, F, OuterRef, QuerySet, Subquery, Sum, Value
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


def customer_delete_refusals(*, customers) -> dict[int, str]:
    """Why each of `customers` may not be deleted (customers that may are left out), in one query;
    customer_delete and Bulk Delete enforce the same."""
    routes = Customer._meta.get_field("ingress_routes").related_model  # routing sits above this app
    rows = (
        Customer.objects.filter(pk__in=[c.pk for c in customers])
        .annotate(
            charged=Exists(LedgerEntry.objects.filter(customer=OuterRef("pk"))),
            paid=Exists(Payment.objects.filter(customer=OuterRef("pk"))),
            routed=Exists(routes.objects.filter(customer=OuterRef("pk"))),
        )
        .values_list("pk", "name", "charged", "paid", "routed")
    )
    refusals = {}
    for pk, name, charged, paid, routed in rows:
        if charged or paid:
            refusals[pk] = (
                f"{name} has payments or charges, which must be kept; set its status to Inactive instead."
            )
        elif routed:
            refusals[pk] = (
                f"{name} still has ingress routes; delete them first, or set its status to Inactive instead."
            )
    return refusals


def customer_delete_refusal(customer: Customer) -> str:
    """Why `customer` may not be deleted, or "" when it may."""
    return customer_delete_refusals(customers=[customer]).get(customer.pk, "")


def numbered_usernames(customer: Customer) -> list[int]:
    """The customer's SIP usernames that are numbers, ascending."""
    return sorted(int(u) for u in customer.sip_users.values_list("username", flat=True) if u.isdigit())


def free_numbers(customer: Customer, *, limit: int = 5) -> list[int]:
    """The first numbers of the customer's Internal Number Blocks that no SIP user has yet."""
    taken = set(numbered_usernames(customer))
    free: list[int] = []
    for block in customer.number_blocks.all():
        number = block.start
        while number <= block.end and len(free) < limit:
            if number not in taken:
                free.append(number)
            number += 1
    return free
