"""Build a customer card's rows from provider rows, in memory.

Plain tuples with costs as whole millionths keep memory and per-prefix work small: a build prices a
few hundred thousand prefixes against several providers, a million provider rows held at once.
Longest-prefix match uses one dict per provider and tries p[:L] for the prefix lengths that provider
has, longest first.
"""

import decimal
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from connexcs.money import Rounding

from .choices import ProfitStatus, ProfitType, RateCompact

SIX = Decimal("0.000001")
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
_MODES = {
    Rounding.UP: decimal.ROUND_CEILING,
    Rounding.DOWN: decimal.ROUND_FLOOR,
    Rounding.HALF_UP: decimal.ROUND_HALF_UP,
    Rounding.HALF_DOWN: decimal.ROUND_HALF_DOWN,
}

# A provider row: (prefix, name, cost, connect_cost, mcd, pulse, blocked), cost and connect cost as
# whole millionths (int) already converted to the customer card's currency. Every cost has exactly
# 6 decimals (Numeric(14,6), or quantized by `convert`), so the int is exact, orders like the Decimal
# and turns back into an identical Decimal; a small int takes a quarter of a Decimal's memory and
# 0 (the usual connect cost) takes none. The JSON fragment is written only for rows that are output.
# A row converted from another currency carries its own-currency cost and connect cost (millionths)
# after BLOCKED, so the sell price is computed from the exact converted value and rounded only once,
# at the end, with the card's method (a cost first rounded half-up to 6 places could make "Down"
# round up).
PREFIX, NAME, COST, CONNECT, MCD, PULSE, BLOCKED, OWN_COST, OWN_CONNECT = range(9)
MICRO = 1_000_000


def convert(value: Decimal, factor: Decimal) -> Decimal:
    if factor == ONE:
        return value
    return (value * factor).quantize(SIX, rounding=ROUND_HALF_UP)


def micros(value) -> int:
    """A 6-decimal cost (PostgreSQL text such as "0.006000", or a Decimal) as whole millionths."""
    if isinstance(value, str) and len(value) > 7 and value[-7] == ".":
        return int(value[:-7] + value[-6:])
    return int(Decimal(value).scaleb(6))


def from_micros(value: int) -> Decimal:
    return Decimal(value).scaleb(-6)


class Provider:
    def __init__(self, carrier_id: int, provider_card_id: int, rows: dict[str, tuple], factor: Decimal = ONE):
        self.carrier_id = carrier_id
        self.provider_card_id = provider_card_id
        self.rows = rows
        self.factor = factor  # the exchange factor into the customer card's currency
        self.lengths = tuple(sorted({len(p) for p in rows}, reverse=True))
        self.json_head = f'{{"carrier_id":{carrier_id},"provider_card_id":{provider_card_id},"prefix":"'

    def longest(self, prefix: str):
        rows = self.rows
        n = len(prefix)
        for length in self.lengths:
            if length <= n:
                row = rows.get(prefix[:length])
                if row is not None:
                    return row
        return None

    def fragment(self, row: tuple) -> str:
        cost, connect = row[COST], row[CONNECT]
        connect_text = "0.000000" if connect == 0 else f"{connect // MICRO}.{connect % MICRO:06d}"
        return (
            f'{self.json_head}{row[PREFIX]}","cost":"{cost // MICRO}.{cost % MICRO:06d}",'
            f'"connect_cost":"{connect_text}","mcd":{row[MCD]},"pulse":{row[PULSE]}}}'
        )


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


def exact(provider: Provider, row: tuple, field: int) -> Decimal:
    """A row's cost (COST) or connect cost (CONNECT) in the card's currency, not rounded."""
    if len(row) > BLOCKED + 1:
        return from_micros(row[OWN_COST if field == COST else OWN_CONNECT]) * provider.factor
    return from_micros(row[field])


def _compact(values: list[Decimal], how: str) -> Decimal:
    """Exact costs compacted to one Decimal; the average is not rounded (the price is, once)."""
    if how == RateCompact.MIN:
        return min(values)
    if how == RateCompact.MAX:
        return max(values)
    return sum(values) / len(values)


def sell_price(base: Decimal, rule: Rule | None) -> Decimal:
    if rule is None:
        return base
    if rule.profit_type == ProfitType.ABSOLUTE:
        return rule.value
    if rule.profit_type == ProfitType.RELATIVE:
        return base + rule.value
    return base * (ONE + rule.value / HUNDRED)


def _escape(text: str) -> str:
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def build_lines(
    providers: list[Provider],
    rules: Iterable[Rule],
    card: CardParams,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[str]:
    """COPY text lines (prefix, name, rate, connect_cost, mcd, pulse, blocked, providers JSON) for
    every prefix in the union of the providers' rows, in prefix order."""
    prefixes = sorted(set().union(*(p.rows.keys() for p in providers))) if providers else []
    index = RuleIndex(rules)
    total = len(prefixes)
    mode = _MODES[Rounding(card.rounding)]
    how = card.rate_compact
    quanta = {p: Decimal(1).scaleb(-p) for p in range(7)}
    for i, prefix in enumerate(prefixes):
        if progress is not None and i % 20000 == 0:
            progress(i, total)
        live = []
        name = ""
        for pos, prov in enumerate(providers):
            row = prov.longest(prefix)
            if row is None:
                continue
            if not name and row[NAME] and row[PREFIX] == prefix:
                name = row[NAME]
            if not row[BLOCKED]:
                live.append((row[COST], pos, row))
        rule = index.longest(prefix)
        if not name and rule is not None:
            name = rule.name
        if not live or (rule is not None and rule.status == ProfitStatus.BLOCKED):
            yield f"{prefix}\t{_escape(name)}\t0\t0\t1\t1\tt\t[]\n"
            continue
        if len(live) > 1:
            live.sort(key=lambda item: (item[0], item[1]))
            base = _compact([exact(providers[item[1]], item[2], COST) for item in live], how)
        else:
            base = exact(providers[live[0][1]], live[0][2], COST)
        precision = card.precision if rule is None or rule.precision is None else rule.precision
        quantum = quanta[precision]
        rate = sell_price(base, rule).quantize(quantum, rounding=mode)
        if rate < ZERO:
            rate = ZERO
        if rule is not None and rule.connect_cost is not None:
            connect = rule.connect_cost
        else:
            # Blank on the profit rule: the cheapest carrier's connect cost (the form's contract),
            # the carrier the call goes to first.
            connect = exact(providers[live[0][1]], live[0][2], CONNECT).quantize(quantum, rounding=mode)
        if rule is not None and rule.mcd is not None and rule.pulse:  # MCD 0 is a real choice
            mcd, pulse = rule.mcd, rule.pulse
        elif len(live) == 1:
            mcd, pulse = live[0][2][MCD], live[0][2][PULSE]
        else:  # the worst case among the carriers that can take the call
            mcd = max(item[2][MCD] for item in live)
            pulse = max(item[2][PULSE] for item in live)
        fragments = ",".join(providers[item[1]].fragment(item[2]) for item in live)
        yield f"{prefix}\t{_escape(name)}\t{rate}\t{connect}\t{mcd}\t{pulse}\tf\t[{fragments}]\n"
