"""Build a customer card's rows from provider rows, in memory.

Pure functions over plain tuples so the property test can compare them with a brute-force oracle.
Longest-prefix match uses one dict per provider and tries p[:L] from the longest L down.
"""

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from connexcs.money import round_to

from .choices import ProfitStatus, ProfitType, RateCompact

SIX = Decimal("0.000001")
ZERO = Decimal(0)


@dataclass(frozen=True)
class ProviderRow:
    prefix: str
    name: str
    cost: Decimal  # already in the customer card's currency
    connect_cost: Decimal
    mcd: int
    pulse: int
    blocked: bool


@dataclass
class Provider:
    carrier_id: int
    provider_card_id: int
    rows: dict[str, ProviderRow]  # prefix -> row
    lengths: tuple[int, ...] = ()  # the prefix lengths present, longest first

    def __post_init__(self):
        self.lengths = tuple(sorted({len(p) for p in self.rows}, reverse=True))

    def longest(self, prefix: str) -> ProviderRow | None:
        rows = self.rows
        n = len(prefix)
        for length in self.lengths:
            if length <= n:
                row = rows.get(prefix[:length])
                if row is not None:
                    return row
        return None


@dataclass(frozen=True)
class Rule:
    prefix: str  # "" = default
    name: str
    profit_type: str
    value: Decimal
    mcd: int | None
    pulse: int | None
    precision: int | None
    connect_cost: Decimal | None
    status: str


@dataclass(frozen=True)
class CardParams:
    precision: int
    rounding: str
    rate_compact: str


@dataclass(frozen=True)
class OutRow:
    prefix: str
    name: str
    rate: Decimal
    connect_cost: Decimal
    mcd: int
    pulse: int
    blocked: bool
    providers: list  # ordered dicts, cheapest first


def convert(value: Decimal, factor: Decimal) -> Decimal:
    if factor == 1:
        return value
    return (value * factor).quantize(SIX, rounding=ROUND_HALF_UP)


def compact(values: list[Decimal], how: str) -> Decimal:
    if how == RateCompact.MAX:
        return max(values)
    if how == RateCompact.AVG:
        return (sum(values) / len(values)).quantize(SIX, rounding=ROUND_HALF_UP)
    return min(values)


def sell_price(base: Decimal, rule: Rule | None) -> Decimal:
    if rule is None:
        return base
    if rule.profit_type == ProfitType.ABSOLUTE:
        return rule.value
    if rule.profit_type == ProfitType.RELATIVE:
        return base + rule.value
    return base * (1 + rule.value / 100)


class RuleIndex:
    def __init__(self, rules: Iterable[Rule]):
        self.rules = {r.prefix: r for r in rules}
        self.lengths = sorted({len(p) for p in self.rules}, reverse=True)

    def longest(self, prefix: str) -> Rule | None:
        for length in self.lengths:
            if length <= len(prefix):
                rule = self.rules.get(prefix[:length])
                if rule is not None:
                    return rule
        return None


def price_prefix(prefix: str, matches: list[tuple[int, Provider, ProviderRow]], rule, card: CardParams):
    """`matches` are (position, provider, longest row) for every provider that prices `prefix`."""
    live = [(row.cost, pos, prov, row) for pos, prov, row in matches if not row.blocked]
    live.sort(key=lambda item: (item[0], item[1]))
    name = ""
    for _pos, _prov, row in matches:
        if row.prefix == prefix and row.name:
            name = row.name
            break
    if not name and rule is not None:
        name = rule.name
    if not live or (rule is not None and rule.status == ProfitStatus.BLOCKED):
        return OutRow(prefix, name, ZERO, ZERO, 1, 1, True, [])
    costs = [item[0] for item in live]
    base = compact(costs, card.rate_compact)
    precision = card.precision if rule is None or rule.precision is None else rule.precision
    rate = round_to(sell_price(base, rule), precision, card.rounding)
    if rate < 0:
        rate = ZERO
    if rule is not None and rule.connect_cost is not None:
        connect = rule.connect_cost
    else:
        connect = round_to(
            compact([item[3].connect_cost for item in live], card.rate_compact), precision, card.rounding
        )
    if rule is not None and rule.mcd and rule.pulse:
        mcd, pulse = rule.mcd, rule.pulse
    else:  # the worst case among the carriers that can take the call
        mcd = max(item[3].mcd for item in live)
        pulse = max(item[3].pulse for item in live)
    providers = [
        {
            "carrier_id": prov.carrier_id,
            "provider_card_id": prov.provider_card_id,
            "prefix": row.prefix,
            "cost": f"{row.cost:.6f}",
            "connect_cost": f"{row.connect_cost:.6f}",
            "mcd": row.mcd,
            "pulse": row.pulse,
        }
        for _cost, _pos, prov, row in live
    ]
    return OutRow(prefix, name, rate, connect, mcd, pulse, False, providers)


def build_rows(
    providers: list[Provider],
    rules: Iterable[Rule],
    card: CardParams,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[OutRow]:
    """Every prefix in the union of the providers' rows, priced; sorted by prefix."""
    prefixes = sorted(set().union(*(p.rows.keys() for p in providers))) if providers else []
    index = RuleIndex(rules)
    total = len(prefixes)
    for i, prefix in enumerate(prefixes):
        matches = []
        for pos, prov in enumerate(providers):
            row = prov.longest(prefix)
            if row is not None:
                matches.append((pos, prov, row))
        yield price_prefix(prefix, matches, index.longest(prefix), card)
        if progress is not None and i % 20000 == 0:
            progress(i, total)


def copy_line(row: OutRow) -> str:
    """One COPY text line without the revision id, which is prefixed at load time."""
    providers = json.dumps(row.providers, separators=(",", ":"))
    name = row.name
    if "\\" in name or "\t" in name or "\n" in name or "\r" in name:
        name = name.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    providers = providers.replace("\\", "\\\\")
    return (
        f"{row.prefix}\t{name}\t{row.rate}\t{row.connect_cost}\t{row.mcd}\t{row.pulse}\t"
        f"{'t' if row.blocked else 'f'}\t{providers}\n"
    )
