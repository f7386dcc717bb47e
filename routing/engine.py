"""The routing engine: who is calling, at what price, through which carriers.

Every answer comes from one immutable in-process `Snapshot` (auth index, customers with their
balance, ingress routes, cards, carriers and gateways) plus one compiled `PrefixIndex` per
published customer-card revision. No ORM per call. Each process compares its snapshot's version
with `connexcs.versioning.current("routing")` at most every CHECK_INTERVAL seconds; when it moved,
a new snapshot is built (in a background thread when one already serves, so calls never wait)
and swapped in with one assignment. Revisions are immutable, so their indexes are reused across
snapshots and only a newly published revision is loaded.
"""

from __future__ import annotations

import gc
import ipaddress
import json
import logging
import re
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from .prefix_index import PrefixIndex

log = logging.getLogger(__name__)

CHECK_INTERVAL = 0.25
ZERO = Decimal(0)

OK = 200
NOT_AUTHORISED = 401
FORBIDDEN = 403
NOT_FOUND = 404
UNAVAILABLE = 503
NO_ROUTE = 580


@dataclass(frozen=True, slots=True)
class CustomerInfo:
    id: int
    name: str
    status: str
    currency: str
    balance: Decimal
    debit_limit: Decimal

    @property
    def active(self) -> bool:
        return self.status == "active"

    @property
    def has_credit(self) -> bool:
        return self.balance + self.debit_limit > 0


@dataclass(frozen=True, slots=True)
class RouteInfo:
    id: int
    customer_id: int
    card_id: int
    tech_prefix: str = ""
    dial_prefixes: tuple[str, ...] = ()
    dial_pattern: re.Pattern | None = None
    channels: int = 0
    cps: int = 0
    max_duration: int = 7200
    profit_assurance: bool = True

    def allows(self, number: str) -> bool:
        if self.dial_prefixes and not number.startswith(self.dial_prefixes):
            return False
        return not (self.dial_pattern is not None and self.dial_pattern.search(number) is None)


@dataclass(frozen=True, slots=True)
class CardInfo:
    id: int
    name: str
    currency: str
    precision: int
    rounding: str
    active: bool
    revision_id: int | None


@dataclass(frozen=True, slots=True)
class GatewayInfo:
    id: int
    host: str
    port: int
    protocol: str
    weight: int


@dataclass(frozen=True, slots=True)
class CarrierInfo:
    id: int
    name: str
    active: bool
    gateways: tuple[GatewayInfo, ...]  # heaviest first
    fr_timer: int = 3000  # ms to a first reply (SIP 100)
    fr_inv_timer: int = 60000  # ms to an answer once ringing


class RateRow(NamedTuple):
    """One customer-card row. A tuple, because a 100,000-row card is built on every publish."""

    name: str
    rate: Decimal
    connect_cost: Decimal
    mcd: int
    pulse: int
    blocked: bool
    # As the card build stored them, cheapest first: a JSON string from the database (parsed per
    # call, which costs microseconds, instead of 100,000 parses on every publish) or a list.
    providers: str | list


@dataclass(frozen=True, slots=True)
class AuthEntry:
    customer_id: int
    tech_prefix: str
    label: str  # what matched, for the simulator: "IP 10.0.0.1", "CIDR 10.0.0.0/24", "SIP user bob"
    rank: int  # 0 exact / SIP user, then larger for wider networks


class AuthIndex:
    """Source IP -> auth entries: exact addresses in one dict, networks in one dict per length."""

    def __init__(self, entries: list[tuple[str, AuthEntry]]):
        self.exact: dict[str, list[AuthEntry]] = {}
        nets: dict[tuple[int, int], dict[int, list[AuthEntry]]] = {}
        for address, entry in entries:
            network = ipaddress.ip_network(address, strict=False)
            if network.num_addresses == 1:
                self.exact.setdefault(str(network.network_address), []).append(entry)
            else:
                table = nets.setdefault((network.version, network.prefixlen), {})
                table.setdefault(int(network.network_address), []).append(entry)
        # Most specific network first.
        self.networks = sorted(nets.items(), key=lambda item: -item[0][1])

    def lookup(self, source_ip: str) -> list[AuthEntry]:
        found = list(self.exact.get(source_ip, ()))
        if not self.networks and found:
            return found
        address = ipaddress.ip_address(source_ip)
        if not found:
            found = list(self.exact.get(str(address), ()))
        bits = 32 if address.version == 4 else 128
        value = int(address)
        for (version, length), table in self.networks:
            if version == address.version:
                key = (value >> (bits - length)) << (bits - length)
                found.extend(table.get(key, ()))
        return found


@dataclass
class Snapshot:
    version: int
    auth: AuthIndex
    sip_users: dict[str, AuthEntry]
    customers: dict[int, CustomerInfo]
    routes: dict[int, tuple[RouteInfo, ...]]  # by customer, enabled only
    cards: dict[int, CardInfo]
    carriers: dict[int, CarrierInfo]
    indexes: dict[int, PrefixIndex[RateRow]]  # by revision id
    tokens: frozenset[str] = frozenset()  # sha256 hex of every active API token


@dataclass(slots=True)
class CarrierChoice:
    carrier: CarrierInfo
    provider_card_id: int | None
    prefix: str
    cost: Decimal
    connect_cost: Decimal
    mcd: int
    pulse: int


@dataclass(slots=True)
class Decision:
    code: int
    reason: str
    dialled: str = ""
    auth: str = ""
    customer: CustomerInfo | None = None
    route: RouteInfo | None = None
    card: CardInfo | None = None
    number: str = ""  # after the tech prefix is stripped
    prefix: str = ""
    row: RateRow | None = None
    carriers: list[CarrierChoice] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (carrier, why), for the simulator

    @property
    def ok(self) -> bool:
        return self.code == OK


def _refuse(code: int, reason: str, **kw: Any) -> Decision:
    return Decision(code=code, reason=reason, **kw)


def decide(
    snap: Snapshot, *, number: str, source_ip: str | None = None, username: str | None = None
) -> Decision:
    """The routing decision for one call, from a snapshot only."""
    dialled = number[1:] if number.startswith("+") else number
    if username:
        sip = snap.sip_users.get(username)
        if sip is None:
            return _refuse(NOT_AUTHORISED, "Unknown User", dialled=dialled)
        entries = [sip]
    else:
        entries = snap.auth.lookup(source_ip) if source_ip else []
        if not entries:
            return _refuse(NOT_AUTHORISED, "IP Not Authorised", dialled=dialled)
    entries = [e for e in entries if dialled.startswith(e.tech_prefix)]
    if not entries:
        return _refuse(NOT_AUTHORISED, "IP Not Authorised (no matching tech prefix)", dialled=dialled)

    customer_ids = {e.customer_id for e in entries}
    if len(customer_ids) == 1:
        # One caller: its account state answers before its routes do.
        only = snap.customers[entries[0].customer_id]
        refusal = _account_refusal(only, dialled=dialled, auth=entries[0].label)
        if refusal:
            return refusal

    best = None
    for entry in entries:
        for route in snap.routes.get(entry.customer_id, ()):
            if not dialled.startswith(route.tech_prefix):
                continue
            strip = (
                route.tech_prefix if len(route.tech_prefix) >= len(entry.tech_prefix) else entry.tech_prefix
            )
            rest = dialled[len(strip) :]
            if not rest.isdigit() or not route.allows(rest):
                continue
            key = (-len(strip), entry.rank, route.id)
            if best is None or key < best[0]:
                best = (key, entry, route, rest)
    if best is None:
        return _refuse(NOT_FOUND, "No ingress route for this number", dialled=dialled, auth=entries[0].label)
    _key, entry, route, rest = best
    customer = snap.customers[route.customer_id]
    decision = Decision(
        code=OK, reason="OK", dialled=dialled, auth=entry.label, customer=customer, route=route
    )
    decision.number = rest
    if len(customer_ids) > 1:
        refusal = _account_refusal(customer, dialled=dialled, auth=entry.label)
        if refusal:
            refusal.route, refusal.number = route, rest
            return refusal

    card = snap.cards.get(route.card_id)
    decision.card = card
    if card is None or not card.active:
        return _with(decision, UNAVAILABLE, "No Routes Available (rate card inactive)")
    index = snap.indexes.get(card.revision_id) if card.revision_id else None
    match = index.longest(rest) if index is not None else None
    if match is None:
        return _with(decision, NO_ROUTE, "No Route Available")
    decision.prefix, row = match
    decision.row = row
    if row.blocked:
        return _with(decision, UNAVAILABLE, "No Routes Available (blocked)")

    profit_dropped = False
    providers = json.loads(row.providers) if isinstance(row.providers, str) else row.providers
    for provider in providers:
        carrier = snap.carriers.get(provider["carrier_id"])
        if carrier is None or not carrier.active:
            decision.dropped.append((str(provider["carrier_id"]), "carrier inactive"))
            continue
        cost = Decimal(provider["cost"])
        if route.profit_assurance and cost > row.rate:
            decision.dropped.append((carrier.name, f"Profit Assurance: costs {cost} > sells {row.rate}"))
            profit_dropped = True
            continue
        if not carrier.gateways:
            decision.dropped.append((carrier.name, "no enabled gateway"))
            continue
        decision.carriers.append(
            CarrierChoice(
                carrier=carrier,
                provider_card_id=provider.get("provider_card_id"),
                prefix=provider.get("prefix", ""),
                cost=cost,
                connect_cost=Decimal(provider.get("connect_cost") or 0),
                mcd=int(provider.get("mcd") or 1),
                pulse=int(provider.get("pulse") or 1),
            )
        )
    if not decision.carriers:
        why = "Profit Assurance" if profit_dropped else "no carrier"
        return _with(decision, UNAVAILABLE, f"No Routes Available ({why})")
    decision.carriers.sort(key=lambda c: c.cost)  # stable: the build's order breaks ties
    return decision


def _account_refusal(customer: CustomerInfo, **kw: Any) -> Decision | None:
    if not customer.active:
        return _refuse(FORBIDDEN, f"Customer {customer.status}", customer=customer, **kw)
    if not customer.has_credit:
        return _refuse(FORBIDDEN, "Out of balance", customer=customer, **kw)
    return None


def _with(decision: Decision, code: int, reason: str) -> Decision:
    decision.code, decision.reason = code, reason
    return decision


class Engine:
    """One per process: keeps the current snapshot fresh and answers `route()`."""

    def __init__(self, *, background: bool | None = None, check_interval: float = CHECK_INTERVAL):
        self._background = background
        self.check_interval = check_interval
        self._snapshot: Snapshot | None = None
        self._checked_at = 0.0
        self._lock = threading.Lock()
        self._building = False

    @property
    def background(self) -> bool:
        if self._background is not None:
            return self._background
        from django.conf import settings

        return settings.ROUTING_BACKGROUND_RELOAD

    def reset(self) -> None:
        with self._lock:
            self._snapshot = None
            self._checked_at = 0.0

    def snapshot(self) -> Snapshot:
        snap = self._snapshot
        now = time.monotonic()
        if snap is not None and now - self._checked_at < self.check_interval:
            return snap
        from connexcs import versioning

        self._checked_at = now
        try:
            version = versioning.current("routing")
        except Exception:
            # Redis away: keep answering from what we have, and look again at the next check.
            log.warning("routing version unavailable; serving the current snapshot", exc_info=True)
            if snap is not None:
                return snap
            version = -1
        if snap is not None and snap.version == version:
            return snap
        if snap is not None and self.background:
            self._rebuild_in_background(version)
            return snap
        return self._rebuild(version)

    def _rebuild(self, version: int) -> Snapshot:
        from .loader import load_snapshot

        with self._lock:
            current = self._snapshot
            if current is not None and current.version >= version:
                return current
            snap = load_snapshot(version, previous=current)
            self._snapshot = snap
        # A card is hundreds of thousands of long-lived objects; the cyclic GC would walk them all
        # on every full collection (tens of ms, the API's p99). Freezing keeps them out of its
        # scans; refcounting still frees an old snapshot once nothing uses it.
        gc.freeze()
        return snap

    def _rebuild_in_background(self, version: int) -> None:
        with self._lock:
            if self._building:
                return
            self._building = True

        def work():
            from django.db import connection

            try:
                self._rebuild(version)
            except Exception:
                log.exception("routing snapshot rebuild failed; serving the previous one")
                self._checked_at = 0.0  # try again on the next call
            finally:
                self._building = False
                connection.close()

        threading.Thread(target=work, name="routing-reload", daemon=True).start()

    def route(self, *, number: str, source_ip: str | None = None, username: str | None = None) -> Decision:
        return decide(self.snapshot(), number=number, source_ip=source_ip, username=username)

    def token_valid(self, token_hash: str) -> bool:
        return token_hash in self.snapshot().tokens


engine = Engine()


def route(*, number: str, source_ip: str | None = None, username: str | None = None) -> Decision:
    return engine.route(number=number, source_ip=source_ip, username=username)
