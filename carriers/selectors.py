from django.db.models import Count, Exists, OuterRef, QuerySet

from connexcs import hooks

from .models import Carrier, CarrierPayment


def carrier_list(*, actor) -> QuerySet[Carrier]:
    carriers = Carrier.objects.annotate(gateway_count=Count("gateways"))
    # Columns that later apps know how to compute (the payments app's `balance`).
    for annotations in hooks.collect("carrier_list_annotations"):
        carriers = carriers.annotate(**annotations)
    return carriers.order_by("name")


def carrier_delete_refusals(*, carriers) -> dict[int, str]:
    """Why each of `carriers` may not be deleted (those that may are left out), in one query;
    carrier_delete and Bulk Delete enforce the same."""
    cards = Carrier._meta.get_field("provider_cards").related_model  # ratecards sits above this app
    rows = (
        Carrier.objects.filter(pk__in=[c.pk for c in carriers])
        .annotate(
            priced=Exists(cards.objects.filter(carrier=OuterRef("pk"))),
            paid=Exists(CarrierPayment.objects.filter(carrier=OuterRef("pk"))),
        )
        .values_list("pk", "name", "priced", "paid")
    )
    refusals = {}
    for pk, name, priced, paid in rows:
        if priced:
            refusals[pk] = (
                f"{name} has provider rate cards, which must be kept; set its status to Inactive instead."
            )
        elif paid:
            refusals[pk] = f"{name} has payments, which must be kept; set its status to Inactive instead."
    return refusals


def carrier_delete_refusal(carrier: Carrier) -> str:
    """Why `carrier` may not be deleted, or "" when it may."""
    return carrier_delete_refusals(carriers=[carrier]).get(carrier.pk, "")
