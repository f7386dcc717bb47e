"""The Route Simulator: the engine's decision for one call, with the reasons and what it would cost."""

from dataclasses import dataclass, field
from decimal import Decimal

from .billing import charge
from .engine import Decision, Unavailable, engine
from .selectors import profit_rule_for


@dataclass
class CarrierLine:
    name: str
    prefix: str
    cost: Decimal
    billing: str
    charge: Decimal
    billed_seconds: int
    margin: Decimal
    gateways: list[str] = field(default_factory=list)


@dataclass
class Simulation:
    decision: Decision
    duration: int
    billed_seconds: int | None = None
    sell_charge: Decimal | None = None
    profit_rule: object = None
    carriers: list[CarrierLine] = field(default_factory=list)


def simulate(
    *, number: str, duration: int, source_ip: str | None = None, username: str | None = None
) -> Simulation:
    try:
        decision = engine.route(number=number, source_ip=source_ip or None, username=username or None)
    except Unavailable as exc:
        # What the API answers with HTTP 503, shown as the decision rather than an error page.
        decision = Decision(code=503, reason=str(exc))
    result = Simulation(decision=decision, duration=duration)
    if decision.row is None or decision.card is None:
        return result
    card, row = decision.card, decision.row
    result.profit_rule = profit_rule_for(card.id, decision.number)
    result.billed_seconds, result.sell_charge = charge(
        duration=duration,
        rate=row.rate,
        mcd=row.mcd,
        pulse=row.pulse,
        connect_cost=row.connect_cost,
        precision=card.precision,
        rounding=card.rounding,
    )
    for choice in decision.carriers:
        # Carrier costs are in the card's currency; the carrier bills with its own MCD/Pulse.
        seconds, cost = charge(
            duration=duration,
            rate=choice.cost,
            mcd=choice.mcd,
            pulse=choice.pulse,
            connect_cost=choice.connect_cost,
            precision=card.precision,
            rounding=card.rounding,
        )
        result.carriers.append(
            CarrierLine(
                name=choice.carrier.name,
                prefix=choice.prefix,
                cost=choice.cost,
                billing=f"{choice.mcd}/{choice.pulse}",
                charge=cost,
                billed_seconds=seconds,
                margin=result.sell_charge - cost,
                gateways=[
                    f"{g.host}:{g.port} ({g.protocol}, weight {g.weight})" for g in choice.carrier.gateways
                ],
            )
        )
    return result
