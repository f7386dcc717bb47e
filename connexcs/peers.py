"""Shared checks for a SIP peer's address fields (customer IP auth and carrier gateways)."""

from django.core.exceptions import ValidationError

from .dns import classify


def clean_address(address: str) -> tuple[str, str]:
    """(kind, canonical address) or ValidationError naming the `address` field."""
    try:
        return classify(address)
    except ValidationError as exc:
        raise ValidationError({"address": exc.messages}) from exc


def check_port(port) -> int:
    if port is None or not (1 <= int(port) <= 65535):
        raise ValidationError({"port": "Port must be between 1 and 65535."})
    return int(port)


def check_not_negative(**values) -> None:
    errors = {name: "Must be 0 or more." for name, value in values.items() if value is not None and value < 0}
    if errors:
        raise ValidationError(errors)
