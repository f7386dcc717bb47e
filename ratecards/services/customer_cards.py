"""Customer cards, their carrier cards and profit rules."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from connexcs import audit
from connexcs.choices import AuditAction
from connexcs.money import Rounding

from ..choices import ApplyTo, CardStatus, ProfitStatus, ProfitType, RateCompact
from ..models import CustomerCard, CustomerCardProvider, ProfitRule
from .common import (
    MONEY_DECIMALS,
    check_card_fields,
    check_money,
    check_precision,
    normalize_prefix,
    parse_billing,
    set_fields,
)
from .provider_cards import DEFAULT_PRECISION


def _set_providers(card: CustomerCard, providers) -> None:
    CustomerCardProvider.objects.filter(customer_card=card).delete()
    CustomerCardProvider.objects.bulk_create(
        CustomerCardProvider(customer_card=card, provider_card=p, position=i) for i, p in enumerate(providers)
    )


def _check_card(*, name: str, currency: str, precision: int, providers, instance=None) -> None:
    check_card_fields(currency=currency, precision=precision)
    if not providers:
        raise ValidationError({"providers": "Pick at least one carrier card."})
    clash = CustomerCard.objects.filter(name=name)
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        raise ValidationError({"name": "A customer card with this name exists already."})


def _duration_rounding(value: str) -> str:
    if value not in Rounding.values:
        raise ValidationError({"duration_rounding": "Choose Up, Down, Half up or Half down."})
    return value


@transaction.atomic
def customer_card_create(
    *,
    actor,
    name: str,
    currency: str,
    providers: list,
    rate_compact: str = RateCompact.MIN,
    precision: int = DEFAULT_PRECISION,
    rounding: str = Rounding.UP,
    duration_rounding: str = Rounding.UP,
    status: str = CardStatus.ACTIVE,
) -> CustomerCard:
    _check_card(name=name, currency=currency, precision=precision, providers=providers)
    card = CustomerCard.objects.create(
        name=name,
        currency=currency,
        rate_compact=rate_compact,
        precision=precision,
        rounding=rounding,
        duration_rounding=_duration_rounding(duration_rounding),
        status=status,
    )
    _set_providers(card, providers)
    audit.record(actor=actor, action=AuditAction.CUSTOMER_CARD_CREATE, obj=card, after=audit.snapshot(card))
    return card


@transaction.atomic
def customer_card_update(
    *,
    actor,
    instance: CustomerCard,
    name: str,
    currency: str,
    providers: list,
    rate_compact: str = RateCompact.MIN,
    precision: int = DEFAULT_PRECISION,
    rounding: str = Rounding.UP,
    duration_rounding: str = Rounding.UP,
    status: str = CardStatus.ACTIVE,
) -> CustomerCard:
    _check_card(name=name, currency=currency, precision=precision, providers=providers, instance=instance)
    before = set_fields(
        instance,
        name=name,
        currency=currency,
        rate_compact=rate_compact,
        precision=precision,
        rounding=rounding,
        duration_rounding=_duration_rounding(duration_rounding),
        status=status,
    )
    instance.stale = True  # its sources or pricing changed; a build brings it up to date
    instance.save()
    _set_providers(instance, providers)
    audit.record(
        actor=actor,
        action=AuditAction.CUSTOMER_CARD_UPDATE,
        obj=instance,
        before=before,
        after=audit.snapshot(instance),
    )
    return instance


def _rule_values(
    *,
    prefix: str,
    name: str,
    profit_type: str,
    value: Decimal | None,
    apply_to: str,
    billing: str,
    precision: int | None,
    connect_cost: Decimal | None,
    status: str,
) -> dict:
    mcd = pulse = None
    if billing:
        mcd, pulse = parse_billing(billing)
    if value is None:
        raise ValidationError({"value": "Enter a value."})
    if -value.as_tuple().exponent > MONEY_DECIMALS:
        raise ValidationError({"value": f"At most {MONEY_DECIMALS} decimals."})
    if profit_type == ProfitType.ABSOLUTE and value < 0:
        raise ValidationError({"value": "An absolute price cannot be negative."})
    if precision is not None:
        check_precision(precision)
    if connect_cost is not None:
        check_money(connect_cost, "connect_cost")
    return {
        "prefix": normalize_prefix(prefix) if prefix else "",
        "name": name or "",
        "profit_type": profit_type,
        "value": value,
        "apply_to": apply_to or ApplyTo.COST,
        "mcd": mcd,
        "pulse": pulse,
        "precision": precision,
        "connect_cost": connect_cost,
        "status": status,
    }


@transaction.atomic
def profit_rule_create(
    *,
    actor,
    card: CustomerCard,
    value: Decimal | None,
    prefix: str = "",
    name: str = "",
    profit_type: str = ProfitType.ABSOLUTE,
    apply_to: str = ApplyTo.COST,
    billing: str = "",
    precision: int | None = None,
    connect_cost: Decimal | None = None,
    status: str = ProfitStatus.PROFIT,
) -> ProfitRule:
    values = _rule_values(
        prefix=prefix,
        name=name,
        profit_type=profit_type,
        value=value,
        apply_to=apply_to,
        billing=billing,
        precision=precision,
        connect_cost=connect_cost,
        status=status,
    )
    if card.profit_rules.filter(prefix=values["prefix"]).exists():
        raise ValidationError({"prefix": "This card has a rule for this prefix already."})
    rule = ProfitRule.objects.create(card=card, **values)
    CustomerCard.objects.filter(pk=card.pk).update(stale=True)
    audit.record(actor=actor, action=AuditAction.PROFIT_RULE_CREATE, obj=card, after=audit.snapshot(rule))
    return rule


@transaction.atomic
def profit_rule_update(
    *,
    actor,
    instance: ProfitRule,
    value: Decimal | None,
    prefix: str = "",
    name: str = "",
    profit_type: str = ProfitType.ABSOLUTE,
    apply_to: str = ApplyTo.COST,
    billing: str = "",
    precision: int | None = None,
    connect_cost: Decimal | None = None,
    status: str = ProfitStatus.PROFIT,
) -> ProfitRule:
    values = _rule_values(
        prefix=prefix,
        name=name,
        profit_type=profit_type,
        value=value,
        apply_to=apply_to,
        billing=billing,
        precision=precision,
        connect_cost=connect_cost,
        status=status,
    )
    if instance.card.profit_rules.filter(prefix=values["prefix"]).exclude(pk=instance.pk).exists():
        raise ValidationError({"prefix": "This card has a rule for this prefix already."})
    before = set_fields(instance, **values)
    instance.save()
    CustomerCard.objects.filter(pk=instance.card_id).update(stale=True)
    audit.record(
        actor=actor,
        action=AuditAction.PROFIT_RULE_UPDATE,
        obj=instance.card,
        before=before,
        after=audit.snapshot(instance),
    )
    return instance


@transaction.atomic
def profit_rule_delete(*, actor, instance: ProfitRule) -> None:
    before = audit.snapshot(instance)
    card = instance.card
    instance.delete()
    CustomerCard.objects.filter(pk=card.pk).update(stale=True)
    audit.record(actor=actor, action=AuditAction.PROFIT_RULE_DELETE, obj=card, before=before)
