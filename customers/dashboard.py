"""Dashboard figures for customers: who cannot call for lack of money."""

from django.urls import reverse

from accounts.choices import Area
from connexcs.dashboard import Figure
from connexcs.permissions import can

from . import selectors
from .choices import CustomerStatus


def figures(*, user) -> list[Figure]:
    if not can(user, Area.CUSTOMER):
        return []
    active = selectors.customer_list(actor=user).filter(status=CustomerStatus.ACTIVE)
    out = selectors.with_credit(active, has_credit=False).count()
    return [
        Figure(
            "customers_out_of_balance",
            "Customers Out of Balance",
            str(out),
            url=f"{reverse('customers:customer_list')}?status=active&balance_state=out",
            tone="danger" if out else "success",
            note="Active customers whose balance + debit limit is 0 or less; their calls are refused.",
        )
    ]
