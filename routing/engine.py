"""The routing engine: who is calling, at what price, through which carriers.

Every answer comes from one immutable in-process `Snapshot` (auth index, customers with their
balance, ingress routes, cards, carriers and gateways) plus one compiled `PrefixIndex` per
published customer-card revision. No ORM per call. Revisions are immutable, so their indexes are
reused across snapshots and only a newly published revision is loaded.

Freshness (see `Engine.snapshot`): a process asks whether the data moved at most every
CHECK_INTERVAL seconds (Redis, and PostgreSQL every DB_CHECK_INTERVAL or whenever Redis is away).
It answers from the previous snapshot while a new one builds in the background only within
STALE_GRACE of the moment it last confirmed that snapshot current; past that a call waits for the
new snapshot, so the first call after an idle period never gets old data. When neither store
answers for MAX_UNCONFIRMED seconds, calls are refused (`Unavailable`, HTTP 503 at the API) rather
than answered from data nobody can vouch for.
"""

from __future__ import annotations

import contextlib
import gc
import ipaddress
import json
import logging
import threading
import time
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, NamedTuple

from .prefix_index import PrefixIndex

log = logging.getLogger(__name__)

CHECK_INTERVAL = 0.25
DB_CHECK_INTERVAL = 1.0
REDIS_RETRY = 1.0
STALE_GRACE = 1.0
MAX_UNCONFIRMED = 1.5
VERSION = "routing"
BALANCES = "balances"  # bumped by every CDR batch that charges: only balances are reloaded
ZERO = Decimal(0)

# SIP codes and reasons of the Error Codes table in the routing documents (routing.md); 403 for a
# customer out of credit is ours, as the table has no line for it.
OK = 200
NOT_AUTHORISED = 401
FORBIDDEN = 403
NOT_FOUND = 404
PAUSED = 500
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
    channels: int = 0  # the switch's limits; 0 means unlimited
    cps: int = 0

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
    dial_pattern: Any = None  # compiled by routing.patterns (RE2), never by `re`
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
    duration_rounding: str = "up"


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
    channels: int = 0  # the switch's limits; 0 means unlimited
    cps: int = 0


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
    id: int = 0  # the IPAuth row (0 for a SIP user), for the switch's per-IP limits
    channels: int = 0
    cps: int = 0
    ha1: str = ""  # a SIP user's digest HA1, which the switch checks the caller's response against


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
    versions: dict[str, int]  # what each version store said just before this was loaded
    auth: AuthIndex
    sip_users: dict[str, AuthEntry]
    customers: dict[int, CustomerInfo]
    routes: dict[int, tuple[RouteInfo, ...]]  # by customer, enabled only
    cards: dict[int, CardInfo]
    carriers: dict[int, CarrierInfo]
    indexes: dict[int, PrefixIndex[RateRow]]  # by revision id
    tokens: frozenset[str] = frozenset()  # sha256 hex of every active API token
    # card id -> its newly published revision, compiling in the background; until it is ready the
    # card answers from its previous revision (the one in `cards`).
    pending: dict[int, int] = field(default_factory=dict)
    # (id(row), profit assurance) -> carriers chosen, filled as calls come: parsing the providers
    # and their costs is most of a decision's work, and the answer is fixed for the snapshot's life.
    carrier_lists: dict[tuple[int, bool], tuple[tuple, tuple, str]] = field(default_factory=dict)
    # The same key -> the API answer's parts fixed for it (carriers and gateways as JSON), see routing.api.
    answer_parts: dict[tuple[int, bool], tuple[list, list]] = field(default_factory=dict)
    # CDR ingest's tariffs (sell: card and row; buy: card and the CDR's cost), built once per snapshot.
    cdr_tariffs: dict[tuple, object] = field(default_factory=dict)


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


class Refused(Exception):
    """A step turned the call down; the decision carries the code and reason."""


def _refuse(decision: Decision, code: int, reason: str) -> None:
    decision.code, decision.reason = code, reason
    raise Refused


def decide(
    snap: Snapshot, *, number: str, source_ip: str | None = None, username: str | None = None
) -> Decision:
    """The routing decision for one call, from a snapshot only: each step fills in or refuses."""
    decision = Decision(code=OK, reason="OK", dialled=number.removeprefix("+"))
    try:
        entries = identify_caller(snap, decision, source_ip=source_ip, username=username)
        if len({e.customer_id for e in entries}) == 1:
            # One caller: its account state answers before its routes do.
            check_account(decision, snap.customers[entries[0].customer_id])
        match_ingress_route(snap, decision, entries)
        check_account(decision, decision.customer)
        find_rate(snap, decision)
        choose_carriers(snap, decision)
    except Refused:
        pass
    return decision


def identify_caller(
    snap: Snapshot, decision: Decision, *, source_ip: str | None, username: str | None
) -> list[AuthEntry]:
    """The auth entries (SIP user, or IP/CIDR/host) that fit the caller and the dialled tech prefix."""
    if username:
        sip = snap.sip_users.get(username)
        if sip is None:
            _refuse(decision, UNAVAILABLE, "Unknown User")
        entries = [sip]
    else:
        entries = snap.auth.lookup(source_ip) if source_ip else []
        if not entries:
            _refuse(decision, NOT_AUTHORISED, "IP Not Authorised")
    entries = [e for e in entries if decision.dialled.startswith(e.tech_prefix)]
    if not entries:
        _refuse(decision, NOT_AUTHORISED, "IP Not Authorised (no matching tech prefix)")
    decision.auth = entries[0].label
    return entries


def check_account(decision: Decision, customer: CustomerInfo) -> None:
    """Refuse a customer that is not active or has no credit left (balance + debit limit <= 0)."""
    if not customer.active:
        decision.customer = customer
        _refuse(decision, PAUSED, "Server not accepting calls (Paused)")
    if not customer.has_credit:
        decision.customer = customer
        _refuse(decision, FORBIDDEN, "Out of balance")


def match_ingress_route(snap: Snapshot, decision: Decision, entries: list[AuthEntry]) -> None:
    """The caller's ingress route for this number: longest tech prefix, then closest auth, then id.

    No route for the dialled tech prefix is 580 No Route Available; a route whose tech prefix fits
    but what follows it is no number is 404 Not Found; a number every such route's dial plan
    (prefixes, pattern) refuses is 503 Blocked by Dial plan.
    """
    best = None
    refusal = (NO_ROUTE, "No Route Available")
    for entry in entries:
        for route in snap.routes.get(entry.customer_id, ()):
            if not decision.dialled.startswith(route.tech_prefix):
                continue
            strip = max(route.tech_prefix, entry.tech_prefix, key=len)
            rest = decision.dialled[len(strip) :]
            if not rest.isdigit():
                if refusal[0] == NO_ROUTE:
                    refusal = (NOT_FOUND, "Not Found")
                continue
            if not route.allows(rest):
                refusal = (UNAVAILABLE, "Blocked by Dial plan")
                continue
            key = (-len(strip), entry.rank, route.id)
            if best is None or key < best[0]:
                best = (key, entry, route, rest)
    if best is None:
        _refuse(decision, *refusal)
    _key, entry, route, rest = best
    decision.auth, decision.route, decision.number = entry.label, route, rest
    decision.customer = snap.customers[route.customer_id]


def find_rate(snap: Snapshot, decision: Decision) -> None:
    """The route's card and the longest prefix of its published revision matching the number."""
    card = decision.card = snap.cards.get(decision.route.card_id)
    if card is None or not card.active:
        _refuse(decision, UNAVAILABLE, "No Routes Available (Pre)")  # no card rule lets it through
    index = snap.indexes.get(card.revision_id) if card.revision_id else None
    match = index.longest(decision.number) if index is not None else None
    if match is None:
        _refuse(decision, NO_ROUTE, "No Route Available")
    decision.prefix, decision.row = match
    if decision.row.blocked:
        _refuse(decision, UNAVAILABLE, "No Routes Available (Pre)")


def choose_carriers(snap: Snapshot, decision: Decision) -> None:
    """The row's providers that are active, have a gateway and (with Profit Assurance) cost <= the sale."""
    key = (id(decision.row), decision.route.profit_assurance)  # rows live as long as the snapshot
    found = snap.carrier_lists.get(key)
    if found is None:
        found = snap.carrier_lists[key] = _carrier_list(snap, decision.row, decision.route.profit_assurance)
    choices, dropped, refusal = found
    decision.carriers, decision.dropped = list(choices), list(dropped)
    if refusal:
        _refuse(decision, UNAVAILABLE, refusal)


def _carrier_list(snap: Snapshot, row: RateRow, profit_assurance: bool) -> tuple[tuple, tuple, str]:
    choices, dropped, profit_dropped = [], [], False
    providers = json.loads(row.providers) if isinstance(row.providers, str) else row.providers
    for provider in providers:
        carrier = snap.carriers.get(provider["carrier_id"])
        if carrier is None or not carrier.active:
            dropped.append((str(provider["carrier_id"]), "carrier inactive"))
            continue
        cost = Decimal(provider["cost"])
        if profit_assurance and cost > row.rate:
            dropped.append((carrier.name, f"Profit Assurance: costs {cost} > sells {row.rate}"))
            profit_dropped = True
            continue
        if not carrier.gateways:
            dropped.append((carrier.name, "no enabled gateway"))
            continue
        choices.append(_choice(carrier, provider, cost))
    choices.sort(key=lambda c: c.cost)  # stable: the build's order breaks ties
    refusal = (
        "" if choices else f"No Routes Available ({'Profit Assurance' if profit_dropped else 'no carrier'})"
    )
    return tuple(choices), tuple(dropped), refusal


def _choice(carrier: CarrierInfo, provider: dict, cost: Decimal) -> CarrierChoice:
    return CarrierChoice(
        carrier=carrier,
        provider_card_id=provider.get("provider_card_id"),
        prefix=provider.get("prefix", ""),
        cost=cost,
        connect_cost=Decimal(provider.get("connect_cost") or 0),
        mcd=int(provider["mcd"] if provider.get("mcd") is not None else 1),  # MCD 0 stays 0
        pulse=int(provider.get("pulse") or 1),
    )


class Unavailable(Exception):
    """The routing data cannot be confirmed current (or loaded): refuse rather than guess."""


def _agrees(recorded: dict[str, int], seen: dict[str, int]) -> bool:
    return all(recorded.get(source) == value for source, value in seen.items())


class Engine:
    """One per process: keeps the current snapshot fresh and answers `route()`."""

    def __init__(self, *, background: bool | None = None, check_interval: float = CHECK_INTERVAL):
        self._background = background
        self.check_interval = check_interval
        self._lock = threading.Lock()
        self._building = self._compiling = False
        self.reset()

    @property
    def background(self) -> bool:
        if self._background is not None:
            return self._background
        from django.conf import settings

        return settings.ROUTING_BACKGROUND_RELOAD

    def reset(self) -> None:
        with self._lock:
            self._snapshot: Snapshot | None = None
            self._checked_at = self._confirmed_at = self._db_checked_at = -1e9
            self._redis_retry_at = 0.0
            self._compiled: dict[int, PrefixIndex[RateRow]] = {}  # revision id -> index, until swapped in
            self._balance_versions: dict[str, int] = {}
            self._balance_db_at = -1e9

    def snapshot(self) -> Snapshot:
        snap = self._snapshot
        if snap is not None and time.monotonic() - self._checked_at < self.check_interval:
            return snap
        return self._refresh()

    def _refresh(self) -> Snapshot:
        now = self._checked_at = time.monotonic()
        snap = self._snapshot
        seen = self._look(now)
        if snap is not None and seen and _agrees(snap.versions, seen):
            self._confirmed_at = now
            if snap.pending and not self._compiling:
                self._compile_in_background(set(snap.pending.values()))  # an earlier attempt failed
            return self._fresh_balances(snap, now)
        if not seen:
            if snap is not None and now - self._confirmed_at < MAX_UNCONFIRMED:
                return snap
            raise Unavailable("Neither PostgreSQL nor Redis answers: routing data cannot be confirmed.")
        # Only a change Redis reports may be served late: a change only PostgreSQL shows means Redis
        # missed a bump, and the previous confirmation may have been Redis's mistake.
        redis_moved = "redis" in seen and snap is not None and snap.versions.get("redis") != seen["redis"]
        if redis_moved and self.background and now - self._confirmed_at < STALE_GRACE:
            self._rebuild_in_background()
            return snap
        return self._rebuild()

    def _look(self, now: float) -> dict[str, int]:
        """The routing version as each store that answers states it."""
        from connexcs import versioning

        seen = {}
        if now >= self._redis_retry_at:
            try:
                seen["redis"] = versioning.fast(VERSION)
            except versioning.Unreachable:
                log.warning("routing version: Redis unreachable, asking PostgreSQL")
                self._redis_retry_at = now + REDIS_RETRY
        if "redis" not in seen or now - self._db_checked_at >= DB_CHECK_INTERVAL:
            try:
                seen["db"] = versioning.current(VERSION)
                self._db_checked_at = now
            except versioning.Unreachable:
                log.warning("routing version: PostgreSQL unreachable")
        return seen

    def _fresh_balances(self, snap: Snapshot, now: float) -> Snapshot:
        """`snap` with every customer's balance reloaded when a CDR batch charged since the last look.

        Calls are charged many times a second, so a charge moves a counter of its own, and only
        the balances (one grouped sum over the ledger) are reloaded, not the whole snapshot. Looked
        at with the routing version (every CHECK_INTERVAL), so a charge shows within a second.
        """
        from django.db import DatabaseError

        from connexcs import versioning

        from .loader import load_balances

        seen = {}
        with contextlib.suppress(versioning.Unreachable):
            seen["redis"] = versioning.fast(BALANCES)
        if "redis" not in seen or now - self._balance_db_at >= DB_CHECK_INTERVAL:
            try:
                seen["db"] = versioning.current(BALANCES)
                self._balance_db_at = now
            except versioning.Unreachable:
                pass
        if not seen or _agrees(self._balance_versions, seen):
            return snap
        try:
            balances = load_balances()
        except DatabaseError:
            log.warning("balances could not be reloaded; answering from the last ones")
            return snap
        customers = {
            cid: replace(info, balance=balances.get(cid, ZERO)) for cid, info in snap.customers.items()
        }
        fresh = replace(snap, customers=customers)
        with self._lock:
            if self._snapshot is not snap:
                return self._snapshot  # a rebuild (with its own balances) won the race
            self._snapshot = fresh
            self._balance_versions = {**self._balance_versions, **seen}
        return fresh

    def _rebuild(self) -> Snapshot:
        from django.db import DatabaseError

        from .loader import load_snapshot

        with self._lock:
            started = time.monotonic()
            self._db_checked_at = -1e9  # both stores, so the new snapshot records both
            seen = self._look(started)
            current = self._snapshot
            waiting = current is not None and set(current.pending.values()) & self._compiled.keys()
            if current is not None and seen and _agrees(current.versions, seen) and not waiting:
                self._confirmed_at = started
                return current  # built while this call waited for the lock
            if not seen:
                raise Unavailable("Neither PostgreSQL nor Redis answers: routing data cannot be loaded.")
            try:
                # Compiling a large new card revision takes a second or more: the snapshot swaps in
                # now with everything else current, and the revision follows when compiled.
                defer = current is not None and self.background  # a test's data is invisible to threads
                snap = load_snapshot(seen, previous=current, compiled=self._compiled, defer=defer)
            except DatabaseError as exc:
                raise Unavailable(f"Routing data cannot be loaded: {exc}") from exc
            self._snapshot, self._confirmed_at = snap, started
            self._compiled = {rid: index for rid, index in self._compiled.items() if rid not in snap.indexes}
        if snap.pending:
            self._compile_in_background(set(snap.pending.values()))
        # A card is hundreds of thousands of long-lived objects; the cyclic GC would walk them all
        # on every full collection (tens of ms, the API's p99). Freezing keeps them out of its
        # scans; refcounting still frees an old snapshot once nothing uses it.
        gc.freeze()
        return snap

    def _rebuild_in_background(self) -> None:
        with self._lock:
            if self._building:
                return
            self._building = True

        def work():
            from django.db import connection

            try:
                self._rebuild()
            except Exception:
                log.exception("routing snapshot rebuild failed; calls will wait for the next attempt")
            finally:
                self._building = False
                connection.close()

        threading.Thread(target=work, name="routing-reload", daemon=True).start()

    def _compile_in_background(self, revisions: set[int]) -> None:
        with self._lock:
            if self._compiling:
                return  # the running compile rebuilds afterwards and picks up what is still pending
            self._compiling = True

        def work():
            from django.db import connection

            from .loader import load_index

            try:
                for rid in revisions - self._compiled.keys():
                    index = load_index(rid)
                    with self._lock:
                        self._compiled[rid] = index
            except Exception:
                log.exception("compiling card revisions %s failed; retrying on the next change", revisions)
            finally:
                self._compiling = False
                connection.close()
            try:
                self._rebuild()
            except Exception:
                log.exception("routing snapshot rebuild after compiling failed")
            finally:
                connection.close()

        threading.Thread(target=work, name="routing-compile", daemon=True).start()

    def route(self, *, number: str, source_ip: str | None = None, username: str | None = None) -> Decision:
        return decide(self.snapshot(), number=number, source_ip=source_ip, username=username)

    def token_valid(self, token_hash: str) -> bool:
        return token_hash in self.snapshot().tokens


engine = Engine()


def route(*, number: str, source_ip: str | None = None, username: str | None = None) -> Decision:
    return engine.route(number=number, source_ip=source_ip, username=username)
