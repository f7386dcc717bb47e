import django_filters
from django.db.models import Q

from connexcs.money import CURRENCY_CHOICES

from .choices import CarrierPaymentDirection, CarrierStatus
from .models import Carrier, CarrierPayment


class CarrierFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label="Name")
    status = django_filters.ChoiceFilter(choices=CarrierStatus.choices)
    currency = django_filters.ChoiceFilter(choices=CURRENCY_CHOICES)

    class Meta:
        model = Carrier
        fields = ["name", "status", "currency"]


class CarrierPaymentFilterSet(django_filters.FilterSet):
    direction = django_filters.ChoiceFilter(label="Type", choices=CarrierPaymentDirection.choices)
    q = django_filters.CharFilter(label="Reference or description", method="search")

    class Meta:
        model = CarrierPayment
        fields = ["direction"]

    def search(self, queryset, _name, value):
        return queryset.filter(Q(reference__icontains=value) | Q(description__icontains=value))
