import django_filters
from django.db.models import Q

from .models import Mailing


class MailingFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")

    class Meta:
        model = Mailing
        fields = ["q", "channel", "status"]

    def search(self, queryset, _name, value):
        return queryset.filter(Q(subject__icontains=value) | Q(body__icontains=value))
