"""Reads for portal pages. Every one takes the logged-in user's own customer or carrier and reads
only rows of it: a portal page never looks anything up by an id it was given without this scope."""

from dataclasses import dataclass
from decimal import Decimal

from customers.models import Customer
from customers.selectors import customer_balance

from .models import PortalUser


@dataclass(frozen=True)
class Dashboard:
    balance: Decimal | None
    currency: str
    debit_limit: Decimal
    channels: int
    cps: int


def dashboard(*, customer: Customer, features: frozenset[str]) -> Dashboard:
    return Dashboard(
        balance=customer_balance(customer) if "balance" in features else None,
        currency=customer.currency,
        debit_limit=customer.debit_limit,
        channels=customer.channels,
        cps=customer.cps,
    )


def company(*, user: PortalUser) -> dict:
    if user.contact_id:
        customer = user.contact.customer
        return {"kind": "Customer", "name": customer.name, "currency": customer.currency}
    return {"kind": "Carrier", "name": user.carrier.name, "currency": user.carrier.currency}
