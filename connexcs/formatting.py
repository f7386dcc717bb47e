"""Display helpers shared by templates."""

from decimal import Decimal


def format_money(amount, currency: str = "") -> str:
    """`1234.5` -> "1,234.50 USD": at least two decimals, more only when they are not zero."""
    if amount is None:
        return "—"
    value = Decimal(amount)
    places = max(2, -value.normalize().as_tuple().exponent) if value else 2
    text = f"{value:,.{min(places, 4)}f}"
    return f"{text} {currency}".strip()
