import django_filters
from django.db.models import Q

from .choices import ServerStatus, ServerType
from .models import Cluster, Provider, Server


class ServerFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Name or IP", method="filter_q")
    status = django_filters.ChoiceFilter(label="Status", choices=ServerStatus.choices)
    server_type = django_filters.ChoiceFilter(label="Type", choices=ServerType.choices)

    class Meta:
        model = Server
        fields = ["q", "status", "server_type", "cluster"]

    def filter_q(self, queryset, _name, value):
        return queryset.filter(Q(name__icontains=value) | Q(ip__startswith=value))


class ClusterFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(label="Name", lookup_expr="icontains")

    class Meta:
        model = Cluster
        fields = ["name"]


class ProviderFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(label="Name", lookup_expr="icontains")

    class Meta:
        model = Provider
        fields = ["name"]
