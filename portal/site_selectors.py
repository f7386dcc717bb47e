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


PER_PAGE = 50
CUSTOMER_RATE_COLUMNS = ("prefix", "name", "rate", "connect_cost", "mcd", "pulse", "blocked")
PROVIDER_RATE_COLUMNS = ("prefix", "name", "cost", "connect_cost", "mcd", "pulse", "blocked")


@dataclass(frozen=True)
class Page:
    rows: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def page(queryset, number, per_page: int = PER_PAGE) -> Page:
    """One page of `queryset` without counting it (a card has hundreds of thousands of rows):
    per_page + 1 rows tell whether a next page exists."""
    try:
        number = max(1, min(int(number), 10_000))
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    return Page(rows=rows[:per_page], number=number, has_next=len(rows) > per_page)


def _search(rates, query: str):
    """Digits: prefixes starting with them, as an index range (LIKE cannot use the index under the
    database's collation); anything else: the destination name."""
    query = (query or "").strip()
    if query.isdigit():
        rates = rates.filter(prefix__gte=query, prefix__startswith=query)
        stem = query.rstrip("9")
        if stem:  # "1999" -> below "2"; "999" has no upper bound
            rates = rates.filter(prefix__lt=stem[:-1] + str(int(stem[-1]) + 1))
    elif query:
        rates = rates.filter(name__icontains=query)
    return rates


# Rate cards: the cards of the customer's own routes, nothing else.


def customer_cards(*, customer: Customer):
    from ratecards.models import CustomerCard

    ids = customer.ingress_routes.values("card_id")
    return CustomerCard.objects.filter(pk__in=ids).select_related("current_revision").order_by("name")


def customer_card(*, customer: Customer, card_id: int):
    """The card if one of the customer's routes uses it, else None (the page says 404)."""
    return customer_cards(customer=customer).filter(pk=card_id).first()


def card_rates(*, card, query: str = ""):
    from ratecards.models import CustomerCardRate

    if not card.current_revision_id:
        return CustomerCardRate.objects.none()
    rates = CustomerCardRate.objects.filter(revision_id=card.current_revision_id)
    rates = _search(rates, query)
    # Never the providers column: what the operator pays is not the customer's business.
    return rates.order_by("prefix").values_list(*CUSTOMER_RATE_COLUMNS)


def card_rows_for_export(*, card):
    from ratecards.selectors import FORMULA_START

    yield ["prefix", "name", "rate", "connect_cost", "billing", "status"]
    for prefix, name, rate, connect, mcd, pulse, blocked in card_rates(card=card).iterator(chunk_size=5000):
        safe_name = "'" + name if name.startswith(FORMULA_START) else name
        yield [
            prefix,
            safe_name,
            f"{rate}",
            f"{connect}",
            f"{mcd}/{pulse}",
            "blocked" if blocked else "active",
        ]


# Authentication, routes, payments.


def ip_auths(*, customer: Customer):
    return customer.ip_auths.order_by("address", "tech_prefix")


def ip_auth(*, customer: Customer, pk: int):
    return ip_auths(customer=customer).filter(pk=pk).first()


def sip_users(*, customer: Customer):
    return customer.sip_users.order_by("username")


def sip_user(*, customer: Customer, pk: int):
    return sip_users(customer=customer).filter(pk=pk).first()


def routes(*, customer: Customer):
    return customer.ingress_routes.select_related("card").order_by("-tech_prefix", "pk")


def route(*, customer: Customer, pk: int):
    return routes(customer=customer).filter(pk=pk).first()


def payments(*, customer: Customer):
    return customer.payments.order_by("-created_at", "-id")


# Carrier portal: the carrier's own provider cards.


def carrier_cards(*, carrier):
    from ratecards.models import ProviderCard

    return ProviderCard.objects.filter(carrier=carrier).select_related("current_revision").order_by("name")


def carrier_card(*, carrier, card_id: int):
    return carrier_cards(carrier=carrier).filter(pk=card_id).first()


def carrier_revisions(*, card):
    from ratecards.choices import RevisionState

    return card.revisions.exclude(state=RevisionState.DRAFT).exclude(number=None).order_by("-number")


def carrier_revision(*, card, number: int):
    return carrier_revisions(card=card).filter(number=number).first()


def provider_rates(*, revision, query: str = ""):
    from ratecards.models import ProviderRate

    rates = _search(ProviderRate.objects.filter(revision=revision), query)
    return rates.order_by("prefix").values_list(*PROVIDER_RATE_COLUMNS)


def interconnect_addresses() -> list[dict]:
    """Where customers send their traffic: the switch addresses from settings.INTERCONNECT_ADDRESSES."""
    from django.conf import settings

    rows = []
    for entry in settings.INTERCONNECT_ADDRESSES:
        transport, _sep, rest = entry.partition(":")
        host, _sep, port = rest.rpartition(":")
        rows.append({"transport": transport.upper(), "host": host or rest, "port": port or "5060"})
    return rows
