import django_filters

from .models import ApiToken, IngressRoute


class IngressRouteFilterSet(django_filters.FilterSet):
    enabled = django_filters.BooleanFilter()

    class Meta:
        model = IngressRoute
        fields = ["enabled"]


class ApiTokenFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    active = django_filters.BooleanFilter(field_name="revoked_at", lookup_expr="isnull", label="Active")

    class Meta:
        model = ApiToken
        fields = ["name", "active"]
