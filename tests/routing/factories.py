"""Test data for routing: rows created directly (on the shared model factories), as the owning apps'
services would leave them."""

from decimal import Decimal

from carriers.models import Gateway
from customers.models import IPAuth, LedgerEntry, SIPUser
from ratecards.models import CustomerCard, CustomerCardRate, CustomerCardRevision
from routing.models import IngressRoute
from tests.factories import CarrierFactory, CustomerFactory

_n = iter(range(1, 10**9))


def customer(name=None, *, balance="100", debit_limit="0", status="active", currency="USD"):
    named = {"name": name} if name else {}
    c = CustomerFactory(currency=currency, status=status, debit_limit=Decimal(debit_limit), **named)
    if Decimal(balance):
        LedgerEntry.objects.create(customer=c, kind="payment", amount=Decimal(balance), currency=currency)
    return c


def ip_auth(cust, address, *, kind=None, tech_prefix="", resolved=()):
    kind = kind or ("cidr" if "/" in address else "ip")
    return IPAuth.objects.create(
        customer=cust, address=address, kind=kind, tech_prefix=tech_prefix, resolved_addresses=list(resolved)
    )


def sip_user(cust, username, *, enabled=True):
    return SIPUser.objects.create(
        customer=cust, username=username, password="s3cret", ha1="0" * 32, ha1b="0" * 32, enabled=enabled
    )


def carrier(name=None, *, gateways=("192.0.2.10",), status="active"):
    c = CarrierFactory(status=status, **({"name": name} if name else {}))
    for i, address in enumerate(gateways):
        Gateway.objects.create(carrier=c, address=address, kind="ip", weight=len(gateways) - i)
    return c


def provider(carrier_obj, cost, prefix, *, provider_card_id=None):
    return {
        "carrier_id": carrier_obj.pk,
        "provider_card_id": provider_card_id,
        "prefix": prefix,
        "cost": str(cost),
        "connect_cost": "0",
        "mcd": 1,
        "pulse": 1,
    }


def card(rows, *, name=None, precision=4, rounding="up", publish=True):
    """rows: {prefix: dict(rate=..., providers=[...], blocked=..., mcd=..., pulse=...)}"""
    c = CustomerCard.objects.create(name=name or f"Card {next(_n)}", precision=precision, rounding=rounding)
    if rows is not None:
        publish_revision(c, rows)
    return c


def publish_revision(c, rows):
    number = (c.revisions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    revision = CustomerCardRevision.objects.create(card=c, number=number, row_count=len(rows))
    CustomerCardRate.objects.bulk_create(
        CustomerCardRate(
            revision=revision,
            prefix=prefix,
            name=row.get("name", prefix),
            rate=Decimal(str(row["rate"])),
            connect_cost=Decimal(str(row.get("connect_cost", 0))),
            mcd=row.get("mcd", 1),
            pulse=row.get("pulse", 1),
            blocked=row.get("blocked", False),
            providers=row.get("providers", []),
        )
        for prefix, row in rows.items()
    )
    c.current_revision = revision
    c.save(update_fields=["current_revision"])
    return revision


def route(cust, card_obj, **fields):
    return IngressRoute.objects.create(customer=cust, card=card_obj, **fields)
