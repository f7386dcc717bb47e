import django_filters

from connexcs.filters import BooleanFilter

from .models import CustomerCard, ExchangeRate, ProviderCard, ProviderCardRevision, ProviderRate

# A three-letter box instead of a 180-entry select: quicker to use and to render.
CURRENCY_FILTER = {"lookup_expr": "iexact", "label": "Currency", "max_length": 3}


class ProviderCardFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    currency = django_filters.CharFilter(**CURRENCY_FILTER)

    class Meta:
        model = ProviderCard
        fields = ["name", "carrier", "currency"]


class CustomerCardFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    currency = django_filters.CharFilter(**CURRENCY_FILTER)
    stale = BooleanFilter()

    class Meta:
        model = CustomerCard
        fields = ["name", "currency", "stale"]


class RateFilterSet(django_filters.FilterSet):
    prefix = django_filters.CharFilter(lookup_expr="startswith", label="Search prefix")

    class Meta:
        model = ProviderRate
        fields = ["prefix"]


class RevisionFilterSet(django_filters.FilterSet):
    class Meta:
        model = ProviderCardRevision
        fields = ["state"]


class ExchangeRateFilterSet(django_filters.FilterSet):
    class Meta:
        model = ExchangeRate
        fields = ["from_currency", "to_currency"]
