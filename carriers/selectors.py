from django.db.models import Count, QuerySet

from .models import Carrier


def carrier_list(*, actor) -> QuerySet[Carrier]:
    return Carrier.objects.annotate(gateway_count=Count("gateways")).order_by("name")
