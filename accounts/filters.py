import django_filters
from django.db.models import Q

from connexcs.filters import BooleanFilter

from .choices import Role
from .models import PermissionGroup, User


class UserFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="search")
    role = django_filters.ChoiceFilter(label="Role", choices=Role.choices)
    is_active = BooleanFilter(label="Active")

    class Meta:
        model = User
        fields = ["q", "role", "is_active"]

    def search(self, queryset, _name, value):
        return queryset.filter(Q(name__icontains=value) | Q(email__icontains=value))


class GroupFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(label="Name", lookup_expr="icontains")

    class Meta:
        model = PermissionGroup
        fields = ["name"]
