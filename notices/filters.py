import django_filters
from django.db.models import Q

from .models import MessageTemplate


class MessageTemplateFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")

    class Meta:
        model = MessageTemplate
        fields = ["q"]

    def search(self, queryset, _name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(subject__icontains=value) | Q(text__icontains=value)
        )
