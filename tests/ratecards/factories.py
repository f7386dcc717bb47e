"""Rate card test data, made through the services."""

import itertools
from decimal import Decimal

from carriers.models import Carrier
from ratecards import services
from ratecards.models import ProviderCard
from tests.factories import CarrierFactory

_seq = itertools.count(1)


def make_carrier(name: str | None = None, currency: str = "USD") -> Carrier:
    return CarrierFactory(currency=currency, **({"name": name} if name else {}))


def make_provider_card(
    rows=(), *, actor=None, carrier=None, currency="USD", name=None, **fields
) -> ProviderCard:
    """A provider card with `rows` (prefix, cost[, billing[, blocked[, connect]]]) published, if any."""
    card = services.provider_card_create(
        actor=actor,
        name=name or f"Card {next(_seq)}",
        carrier=carrier or make_carrier(currency=currency),
        currency=currency,
        **fields,
    )
    if rows:
        publish_rows(card, rows, actor=actor)
        card.refresh_from_db()
    return card


def publish_rows(card, rows, *, actor=None):
    draft = services.provider_draft_create(actor=actor, card=card)
    for row in draft.rates.all():
        services.provider_rate_delete(actor=actor, instance=row)
    for row in rows:
        prefix, cost, *rest = row
        billing = rest[0] if len(rest) > 0 else "1/1"
        blocked = rest[1] if len(rest) > 1 else False
        connect = rest[2] if len(rest) > 2 else Decimal(0)
        services.provider_rate_add(
            actor=actor,
            revision=draft,
            prefix=prefix,
            name=f"Name {prefix}",
            cost=Decimal(cost),
            connect_cost=Decimal(connect),
            billing=billing,
            status="blocked" if blocked else "active",
        )
    return services.provider_revision_publish(actor=actor, revision=draft)


def csv_file(tmp_path, text: str | bytes, name: str = "deck.csv"):
    path = tmp_path / name
    if isinstance(text, str):
        text = text.encode()
    path.write_bytes(text)
    return path
