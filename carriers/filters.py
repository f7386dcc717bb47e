import django_filters

from connexcs.money import CURRENCY_CHOICES

from .choices import CarrierStatus
from .models import Carrier


class CarrierFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label="Name")
    status = django_filters.ChoiceFilter(choices=CarrierStatus.choices)
    currency = django_filters.ChoiceFilter(choices=CURRENCY_CHOICES)

    class Meta:
        model = Carrier
        fields = ["name", "status", "currency"]
