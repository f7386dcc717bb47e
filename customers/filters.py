import django_filters

from .choices import CustomerStatus, PaymentStatus
from .models import Contact, Customer, Payment


class CustomerFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label="Name")
    status = django_filters.ChoiceFilter(choices=CustomerStatus.choices)
    # A code box rather than a 180-option select: the list page renders much faster.
    currency = django_filters.CharFilter(lookup_expr="iexact", label="Currency", max_length=3)

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
