"""Checks and small helpers the rate-card services share."""

from decimal import Decimal

from django.core.exceptions import ValidationError

from connexcs import audit
from connexcs.money import validate_currency

from .. import parsing

MONEY_DECIMALS = 6
PRECISION_MAX = 6


def normalize_prefix(value: str, field: str = "prefix") -> str:
    prefix = (value or "").replace(" ", "")
    if prefix.startswith("+"):
        prefix = prefix[1:]
    if not prefix or not prefix.isdigit() or not prefix.isascii():
        raise ValidationError({field: "Use digits only (a leading + and spaces are removed)."})
    if len(prefix) > parsing.PREFIX_MAX:
        raise ValidationError({field: f"At most {parsing.PREFIX_MAX} digits."})
    return prefix


def parse_billing(value: str, field: str = "billing") -> tuple[int, int]:
    match = parsing.BILLING_RE.fullmatch((value or "").strip())
    if not match or int(match[2]) < 1:
        raise ValidationError(
            {field: "Use MCD/Pulse in seconds (MCD 0 or more, Pulse at least 1), such as 0/6, 1/1 or 60/60."}
        )
    return int(match[1]), int(match[2])


def check_money(value: Decimal, field: str) -> Decimal:
    if value is None or value < 0:
        raise ValidationError({field: "Must be zero or more."})
    if -value.as_tuple().exponent > MONEY_DECIMALS:
        raise ValidationError({field: f"At most {MONEY_DECIMALS} decimals."})
    return value


def check_precision(precision: int | None) -> None:
    if precision is None or not 0 <= precision <= PRECISION_MAX:
        raise ValidationError({"precision": f"Between 0 and {PRECISION_MAX} decimal places."})


def check_card_fields(*, currency: str, precision: int) -> None:
    try:
        validate_currency(currency)
    except ValidationError as exc:
        raise ValidationError({"currency": exc.messages}) from exc
    check_precision(precision)


def set_fields(obj, **fields) -> dict:
    """Set `fields` on `obj`; returns the audit snapshot from before."""
    before = audit.snapshot(obj)
    for key, value in fields.items():
        setattr(obj, key, value)
    return before


def user_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) else None
