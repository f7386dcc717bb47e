from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from connexcs.money import Rounding, round_to, validate_currency


@pytest.mark.parametrize(
    ("value", "precision", "rounding", "expected"),
    [
        ("0.00712", 4, Rounding.UP, "0.0072"),
        ("0.00718", 4, Rounding.DOWN, "0.0071"),
        ("0.00715", 4, Rounding.HALF_UP, "0.0072"),
        ("0.00715", 4, Rounding.HALF_DOWN, "0.0071"),
        ("0.00716", 4, Rounding.HALF_DOWN, "0.0072"),
        ("1.5", 0, Rounding.HALF_UP, "2"),
        ("0.007", 4, Rounding.UP, "0.0070"),
    ],
)
def test_round_to(value, precision, rounding, expected):
    result = round_to(Decimal(value), precision, rounding)
    assert result == Decimal(expected) and str(result) == expected


@pytest.mark.parametrize("code", ["usd", "XXY", "", "US"])
def test_unknown_currency_is_rejected(code):
    with pytest.raises(ValidationError):
        validate_currency(code)


def test_known_currency_passes():
    validate_currency("GBP")


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (Decimal("1234.5"), "USD", "1,234.50 USD"),
        (Decimal("0.0070"), "GBP", "0.007 GBP"),
        (Decimal("-12.3456"), "EUR", "-12.3456 EUR"),
        (Decimal("0"), "", "0.00"),
        (None, "USD", "—"),
    ],
)
def test_format_money(amount, currency, expected):
    from connexcs.money import format_money

    assert format_money(amount, currency) == expected
