import django_filters

from connexcs.filters import BooleanFilter

from .models import ApiToken, IngressRoute


class IngressRouteFilterSet(django_filters.FilterSet):
    enabled = BooleanFilter()

    class Meta:
        model = IngressRoute
        fields = ["enabled"]


class ApiTokenFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    active = BooleanFilter(field_name="revoked_at", lookup_expr="isnull", label="Active")

    class Meta:
        model = ApiToken
        fields = ["name", "active"]
