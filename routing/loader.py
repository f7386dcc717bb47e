"""Build a routing Snapshot from the database (a handful of set-based queries, off the hot path)."""

from __future__ import annotations

import ipaddress
import logging
import time
from dataclasses import replace
from decimal import Decimal

from .engine import (
    AuthEntry,
    AuthIndex,
    CardInfo,
    CarrierInfo,
    CustomerInfo,
    GatewayInfo,
    RateRow,
    RouteInfo,
    Snapshot,
)
from .patterns import PatternError, compile_pattern
from .prefix_index import PrefixIndex

log = logging.getLogger(__name__)
NEVER = compile_pattern(r"\b\B")


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False
    return True


def load_auth() -> tuple[AuthIndex, dict[str, AuthEntry]]:
    from customers.choices import Direction
    from customers.models import IPAuth, SIPUser

    entries = []
    rows = IPAuth.objects.filter(direction=Direction.INBOUND).values_list(
        "customer_id", "address", "kind", "tech_prefix", "resolved_addresses", "pk", "channels", "cps"
    )
    for customer_id, address, kind, tech_prefix, resolved, *limits in rows:
        if kind in ("ip", "cidr"):
            label = f"{'CIDR' if kind == 'cidr' else 'IP'} {address}"
            rank = 0 if kind == "ip" else 1 + (128 - ipaddress.ip_network(address, strict=False).prefixlen)
            entries.append((address, AuthEntry(customer_id, tech_prefix, label, rank, *limits)))
        else:
            for ip in resolved or ():
                if _is_ip(ip):
                    entries.append((ip, AuthEntry(customer_id, tech_prefix, f"{address} ({ip})", 0, *limits)))
    sip_users = {
        username: AuthEntry(customer_id, "", f"SIP user {username}", 0, ha1=ha1)
        for customer_id, username, ha1 in SIPUser.objects.filter(enabled=True).values_list(
            "customer_id", "username", "ha1"
        )
    }
    return AuthIndex(entries), sip_users


def load_customers() -> dict[int, CustomerInfo]:
    from customers.models import Customer
    from customers.selectors import with_balance

    rows = with_balance(Customer.objects.order_by()).values_list(
        "pk", "name", "status", "currency", "balance", "debit_limit", "channels", "cps"
    )
    return {row[0]: CustomerInfo(*row) for row in rows}


def load_balances() -> dict[int, Decimal]:
    """Every customer's balance (the ledger sum), in one grouped query."""
    from django.db.models import Sum

    from customers.models import LedgerEntry

    return dict(LedgerEntry.objects.order_by().values_list("customer_id").annotate(Sum("amount")))


def _pattern(route):
    try:
        return compile_pattern(route.dial_pattern)
    except PatternError:
        # Saved before patterns were checked with RE2: the route takes no calls until it is fixed.
        log.warning("ingress route %s: dial pattern %r refused by RE2", route.pk, route.dial_pattern)
        return NEVER


def load_routes() -> dict[int, tuple[RouteInfo, ...]]:
    from .models import IngressRoute

    routes: dict[int, list[RouteInfo]] = {}
    for route in IngressRoute.objects.filter(enabled=True).order_by("pk"):
        routes.setdefault(route.customer_id, []).append(
            RouteInfo(
                id=route.pk,
                customer_id=route.customer_id,
                card_id=route.card_id,
                tech_prefix=route.tech_prefix,
                dial_prefixes=tuple(route.prefix_list()),
                dial_pattern=_pattern(route) if route.dial_pattern else None,
                channels=route.channels,
                cps=route.cps,
                max_duration=route.max_duration,
                profit_assurance=route.profit_assurance,
            )
        )
    return {key: tuple(value) for key, value in routes.items()}


def load_cards() -> dict[int, CardInfo]:
    from ratecards.models import CustomerCard

    rows = CustomerCard.objects.values_list(
        "pk",
        "name",
        "currency",
        "precision",
        "rounding",
        "status",
        "current_revision_id",
        "duration_rounding",
    )
    return {
        pk: CardInfo(pk, name, currency, precision, rounding, status == "active", revision, duration)
        for pk, name, currency, precision, rounding, status, revision, duration in rows
    }


def load_carriers() -> dict[int, CarrierInfo]:
    from carriers.models import Carrier, Gateway

    gateways: dict[int, list[GatewayInfo]] = {}
    rows = (
        Gateway.objects.filter(enabled=True)
        .exclude(kind="cidr")
        .order_by("-weight", "pk")
        .values_list(
            "pk", "carrier_id", "address", "kind", "port", "protocol", "weight", "resolved_addresses"
        )
    )
    for pk, carrier_id, address, kind, port, protocol, weight, resolved in rows:
        # A resolved name is sent to its addresses; an unresolved one is left to the proxy's DNS.
        hosts = [ip for ip in resolved or () if _is_ip(ip)] if kind in ("host", "srv") else []
        for host in hosts or [address]:
            gateways.setdefault(carrier_id, []).append(GatewayInfo(pk, host, port, protocol, weight))
    return {
        pk: CarrierInfo(
            pk, name, status == "active", tuple(gateways.get(pk, ())), first * 1000, ring * 1000, *limits
        )
        for pk, name, status, first, ring, *limits in Carrier.objects.values_list(
            "pk", "name", "status", "first_reply_timeout", "ring_timeout", "channels", "cps"
        )
    }


def load_index(revision_id: int) -> PrefixIndex[RateRow]:
    """One revision's rows in one round trip; plain SQL, as the ORM's per-row cost triples the time."""
    from django.db import connection

    from ratecards.models import CustomerCardRate

    table = connection.ops.quote_name(CustomerCardRate._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT prefix, name, rate, connect_cost, mcd, pulse, blocked, providers "  # noqa: S608
            f"FROM {table} WHERE revision_id = %s",
            [revision_id],
        )
        rows = cursor.fetchall()
    return PrefixIndex({row[0]: RateRow(*row[1:]) for row in rows})


def load_tokens() -> frozenset[str]:
    from .models import ApiToken

    return frozenset(ApiToken.objects.filter(revoked_at__isnull=True).values_list("token_hash", flat=True))


def load_snapshot(
    versions: dict[str, int],
    previous: Snapshot | None = None,
    *,
    compiled: dict | None = None,
    defer: bool = False,
) -> Snapshot:
    """A snapshot of the current data. Card revisions already compiled (in `previous` or `compiled`)
    are reused. With `defer`, a card whose new revision is not compiled yet keeps answering from
    its previous revision and is listed in `pending`, so the caller can compile it off the hot path.
    """
    started = time.monotonic()
    cards = load_cards()
    available = {**(previous.indexes if previous is not None else {}), **(compiled or {})}
    # Only revisions some enabled route can reach are compiled; immutable ones are carried over.
    routes = load_routes()
    wanted = {r.card_id for rs in routes.values() for r in rs if r.card_id in cards}
    indexes, pending = {}, {}
    for card_id in wanted:
        rid = cards[card_id].revision_id
        if rid is None:
            continue
        if rid in available:
            indexes[rid] = available[rid]
            continue
        old = previous.cards.get(card_id) if defer and previous is not None else None
        if old is not None and old.revision_id in available:
            pending[card_id] = rid
            cards[card_id] = replace(cards[card_id], revision_id=old.revision_id)
            indexes[old.revision_id] = available[old.revision_id]
        else:
            indexes[rid] = load_index(rid)
    auth, sip_users = load_auth()
    snap = Snapshot(
        versions=versions,
        auth=auth,
        sip_users=sip_users,
        customers=load_customers(),
        routes=routes,
        cards=cards,
        carriers=load_carriers(),
        indexes=indexes,
        tokens=load_tokens(),
        pending=pending,
    )
    log.info(
        "routing snapshot %s built in %.3fs (%d card revisions, %d pending)",
        versions,
        time.monotonic() - started,
        len(indexes),
        len(pending),
    )
    return snap
