"""Amounts in a currency's minor units (cents, yen, fils), as the providers' APIs take them."""

from decimal import Decimal

# ISO 4217 exponents that are not 2.
_EXPONENTS = {
    **dict.fromkeys(
        [
            *("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG"),
            *("RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"),
        ],
        0,
    ),
    **dict.fromkeys(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"], 3),
}


def exponent(currency: str) -> int:
    return _EXPONENTS.get(currency.upper(), 2)


def to_minor(amount: Decimal, currency: str) -> int | None:
    """The amount in minor units, or None when it has more decimals than the currency has."""
    scaled = amount.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        return None
    return int(scaled)


def from_minor(minor: int, currency: str) -> Decimal:
    places = exponent(currency)
    return Decimal(minor).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def to_provider_value(minor: int, currency: str) -> str:
    """PayPal's `value`: a decimal string with exactly the currency's places."""
    return str(from_minor(minor, currency))
