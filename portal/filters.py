import django_filters
from django.db.models import Q

from .choices import DNSStatus
from .models import PortalDomain


class DomainFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Domain or brand", method="filter_q")
    dns_status = django_filters.ChoiceFilter(label="CNAME", choices=DNSStatus.choices)

    class Meta:
        model = PortalDomain
        fields = ["q", "dns_status"]

    def filter_q(self, queryset, _name, value):
        return queryset.filter(Q(domain__icontains=value) | Q(brand_name__icontains=value))
