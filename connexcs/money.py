"""Money helpers shared by every app: ISO 4217 currencies and Decimal field shapes."""

import decimal
import functools
from decimal import Decimal

import pycountry
from django.core.exceptions import ValidationError
from django.db import models

# Numeric(14,6) for rates and costs, Numeric(16,4) for balances and payments (DESIGN.md).
RATE_DIGITS, RATE_PLACES = 14, 6
AMOUNT_DIGITS, AMOUNT_PLACES = 16, 4

CURRENCY_CHOICES = sorted(
    ((c.alpha_3, f"{c.alpha_3} – {c.name}") for c in pycountry.currencies), key=lambda c: c[0]
)
CURRENCY_CODES = frozenset(code for code, _ in CURRENCY_CHOICES)


def validate_currency(value: str) -> None:
    if value not in CURRENCY_CODES:
        raise ValidationError(f"{value!r} is not an ISO 4217 currency code.", code="currency")


class CurrencyField(models.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 3)
        kwargs.setdefault("choices", CURRENCY_CHOICES)
        kwargs.setdefault("default", "USD")
        super().__init__(*args, **kwargs)


def rate_field(**kwargs) -> models.DecimalField:
    return models.DecimalField(max_digits=RATE_DIGITS, decimal_places=RATE_PLACES, **kwargs)


def amount_field(**kwargs) -> models.DecimalField:
    return models.DecimalField(max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES, **kwargs)


ZERO = Decimal("0")


class Rounding(models.TextChoices):
    """How a price or a call charge is cut to a card's precision."""

    UP = "up", "Up"
    DOWN = "down", "Down"
    HALF_UP = "half_up", "Half up"
    HALF_DOWN = "half_down", "Half down"


_DECIMAL_ROUNDING = {
    Rounding.UP: decimal.ROUND_CEILING,
    Rounding.DOWN: decimal.ROUND_FLOOR,
    Rounding.HALF_UP: decimal.ROUND_HALF_UP,
    Rounding.HALF_DOWN: decimal.ROUND_HALF_DOWN,
}


def round_to(value: Decimal, precision: int, rounding: str) -> Decimal:
    """`value` cut to `precision` decimal places with a card's rounding method."""
    mode = _DECIMAL_ROUNDING.get(rounding) or _DECIMAL_ROUNDING[Rounding(rounding)]  # str keys match
    return value.quantize(_quantum(precision), rounding=mode)


@functools.lru_cache(maxsize=32)
def _quantum(precision: int) -> Decimal:
    return Decimal(1).scaleb(-precision)


def format_money(amount, currency: str = "") -> str:
    """`1234.5` -> "1,234.50 USD": at least two decimals, more (up to four) only when not zero."""
    if amount is None:
        return "—"
    value = Decimal(amount)
    places = max(2, -value.normalize().as_tuple().exponent) if value else 2
    text = f"{value:,.{min(places, 4)}f}"
    return f"{text} {currency}".strip()
