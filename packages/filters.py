import django_filters

from connexcs.filters import BooleanFilter

from .choices import Frequency, PackageType
from .models import CustomerPackage, Package


class PackageFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label="Name")
    frequency = django_filters.ChoiceFilter(choices=Frequency.choices)
    type = django_filters.ChoiceFilter(choices=PackageType.choices)
    enabled = BooleanFilter()

    class Meta:
        model = Package
        fields = ["name", "frequency", "type", "enabled"]


class CustomerPackageFilterSet(django_filters.FilterSet):
    package = django_filters.CharFilter(field_name="package__name", lookup_expr="icontains", label="Package")

    class Meta:
        model = CustomerPackage
        fields = ["package"]
