from django.db.models import Count, QuerySet

from connexcs import hooks

from .models import Carrier


def carrier_list(*, actor) -> QuerySet[Carrier]:
    carriers = Carrier.objects.annotate(gateway_count=Count("gateways"))
    # Columns that later apps know how to compute (the payments app's `balance`).
    for annotations in hooks.collect("carrier_list_annotations"):
        carriers = carriers.annotate(**annotations)
    return carriers.order_by("name")


def carrier_delete_refusal(carrier: Carrier) -> str:
    """Why `carrier` may not be deleted, or "" when it may; carrier_delete enforces the same."""
    if carrier.provider_cards.exists():
        return f"{carrier} has provider rate cards, which must be kept; set its status to Inactive instead."
    if carrier.payments.exists():
        return f"{carrier} has payments, which must be kept; set its status to Inactive instead."
    return ""
