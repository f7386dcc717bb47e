import django_filters

from customers.choices import PaymentStatus

from .choices import GatewayKind
from .models import OnlinePayment, PaymentGateway


class OnlinePaymentFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        field_name="payment__status", choices=PaymentStatus.choices, label="Status"
    )
    kind = django_filters.ChoiceFilter(
        field_name="gateway__kind", choices=GatewayKind.choices, label="Gateway"
    )
    customer = django_filters.CharFilter(
        field_name="payment__customer__name", lookup_expr="icontains", label="Customer"
    )
    provider_reference = django_filters.CharFilter(lookup_expr="icontains", label="Provider Reference")

    class Meta:
        model = OnlinePayment
        fields = ["status", "kind", "customer", "provider_reference"]


class GatewayFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label="Name")
    kind = django_filters.ChoiceFilter(choices=GatewayKind.choices, label="Type")

    class Meta:
        model = PaymentGateway
        fields = ["name", "kind"]
