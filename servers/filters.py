import django_filters
from django.db.models import Q

from .choices import ServerStatus, ServerType
from .models import Server


class ServerFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Name or IP", method="filter_q")
    status = django_filters.ChoiceFilter(label="Status", choices=ServerStatus.choices)
    server_type = django_filters.ChoiceFilter(label="Type", choices=ServerType.choices)

    class Meta:
        model = Server
        fields = ["q", "status", "server_type", "cluster"]

    def filter_q(self, queryset, _name, value):
        return queryset.filter(Q(name__icontains=value) | Q(ip__startswith=value))
