import django_filters

from . import selectors
from .choices import CustomerStatus, PaymentStatus
from .models import Contact, Customer, Payment


class CustomerFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label="Name")
    status = django_filters.ChoiceFilter(choices=CustomerStatus.choices)
    # A code box rather than a 180-option select: the list page renders much faster.
    currency = django_filters.CharFilter(lookup_expr="iexact", label="Currency", max_length=3)
    balance_state = django_filters.ChoiceFilter(
        label="Balance",
        choices=[("in", "In balance"), ("out", "Out of balance")],
        method="filter_balance_state",
        help_text="Out of balance: balance + debit limit is 0 or less, so calls are refused.",
    )

    class Meta:
        model = Customer
        fields = ["name", "status", "currency", "balance_state"]

    def filter_balance_state(self, queryset, _name, value):
        return selectors.with_credit(queryset, has_credit=value == "in")


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
