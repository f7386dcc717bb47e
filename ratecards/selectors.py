"""Reads of rate cards, for this app and others."""

from django.db.models import QuerySet

from .models import CustomerCard, ProviderCard


def customer_card_choices() -> list[tuple[int, str]]:
    """(id, name) of every customer card, for other apps' select boxes."""
    return list(CustomerCard.objects.order_by("name").values_list("pk", "name"))


def provider_card_list(*, actor=None) -> QuerySet[ProviderCard]:
    return ProviderCard.objects.select_related("carrier", "current_revision")


def customer_card_list(*, actor=None) -> QuerySet[CustomerCard]:
    return CustomerCard.objects.select_related("current_revision")
