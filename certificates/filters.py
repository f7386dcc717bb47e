import django_filters

from .models import Certificate


class CertificateFilterSet(django_filters.FilterSet):
    domain = django_filters.CharFilter(lookup_expr="icontains", label="Domain")

    class Meta:
        model = Certificate
        fields = ["domain", "user_provided"]
