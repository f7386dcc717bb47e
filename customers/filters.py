import django_filters

from connexcs.money import CURRENCY_CHOICES

from .choices import CustomerStatus, PaymentStatus
from .models import Contact, Customer, Payment


class CustomerFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label="Name")
    status = django_filters.ChoiceFilter(choices=CustomerStatus.choices)
    currency = django_filters.ChoiceFilter(choices=CURRENCY_CHOICES)

    class Meta:
        model = Customer
        fields = ["name", "status", "currency"]


class PaymentFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=PaymentStatus.choices)
    description = django_filters.CharFilter(lookup_expr="icontains", label="Description")

    class Meta:
        model = Payment
        fields = ["status", "description"]


class ContactFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label="Name")

    class Meta:
        model = Contact
        fields = ["name"]
