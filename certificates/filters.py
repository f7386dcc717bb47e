import django_filters

from connexcs.filters import BooleanFilter

from .models import Certificate


class CertificateFilterSet(django_filters.FilterSet):
    domain = django_filters.CharFilter(lookup_expr="icontains", label="Domain")
    user_provided = BooleanFilter(label="User Provided")

    class Meta:
        model = Certificate
        fields = ["domain", "user_provided"]
