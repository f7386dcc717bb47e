import django_filters

from connexcs.money import CURRENCY_CHOICES

from .choices import CustomerStatus
from .models import Customer


class CustomerFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label="Name")
    status = django_filters.ChoiceFilter(choices=CustomerStatus.choices)
    currency = django_filters.ChoiceFilter(choices=CURRENCY_CHOICES)

    class Meta:
        model = Customer
        fields = ["name", "status", "currency"]
