"""Exchange rates between card currencies."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from connexcs import audit
from connexcs.choices import AuditAction
from connexcs.money import validate_currency

from ..models import ExchangeRate
from .common import set_fields


@transaction.atomic
def exchange_rate_set(
    *,
    actor,
    from_currency: str,
    to_currency: str,
    rate: Decimal,
    instance: ExchangeRate | None = None,
) -> ExchangeRate:
    for field, code in (("from_currency", from_currency), ("to_currency", to_currency)):
        try:
            validate_currency(code)
        except ValidationError as exc:
            raise ValidationError({field: exc.messages}) from exc
    if from_currency == to_currency:
        raise ValidationError({"to_currency": "Pick a different currency from the first one."})
    if rate is None or rate <= 0:
        raise ValidationError({"rate": "Must be more than zero."})
    clash = ExchangeRate.objects.filter(from_currency=from_currency, to_currency=to_currency)
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        raise ValidationError({"to_currency": f"A rate for {from_currency}/{to_currency} exists already."})
    obj = instance or ExchangeRate()
    before = audit.snapshot(obj) if instance else None
    set_fields(obj, from_currency=from_currency, to_currency=to_currency, rate=rate)
    obj.save()
    audit.record(
        actor=actor, action=AuditAction.EXCHANGE_RATE_SET, obj=obj, before=before, after=audit.snapshot(obj)
    )
    return obj


def exchange_factor(from_currency: str, to_currency: str, table: dict | None = None) -> Decimal:
    """Units of `to_currency` per unit of `from_currency`; the inverse pair is used if only it exists."""
    if from_currency == to_currency:
        return Decimal(1)
    if table is None:
        table = {(r.from_currency, r.to_currency): r.rate for r in ExchangeRate.objects.all()}
    if (from_currency, to_currency) in table:
        return table[(from_currency, to_currency)]
    if (to_currency, from_currency) in table:
        return Decimal(1) / table[(to_currency, from_currency)]
    raise ValidationError(
        f"No exchange rate from {from_currency} to {to_currency}; add one under Exchange Rates."
    )
