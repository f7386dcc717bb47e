import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.views import View

from accounts.choices import Access, Area, Level
from accounts.models import GroupPermission
from connexcs.permissions import AreaPermissionMixin, can
from tests.factories import AdminFactory, PermissionGroupFactory, UserFactory

pytestmark = pytest.mark.django_db


def member_of(*levels):
    """A user in one group per (level, access) pair, each about the Customer area."""
    user = UserFactory()
    for level, access in levels:
        group = PermissionGroupFactory()
        GroupPermission.objects.create(group=group, area=Area.CUSTOMER, level=level, access=access)
        group.members.add(user)
    return user


S, A, D = Level.SELECT, Level.ALLOW, Level.DENY
R, W = Access.READ, Access.WRITE


@pytest.mark.parametrize(
    ("levels", "may_read", "may_write"),
    [
        ((), False, False),  # no group: deny by default
        (((S, W),), False, False),  # Select alone gives nothing
        (((A, R),), True, False),
        (((A, W),), True, True),
        (((D, W),), False, False),
        (((A, W), (D, R)), False, False),  # Deny beats Allow from another group
        (((D, R), (A, W)), False, False),  # in either order
        (((A, R), (S, W)), True, False),  # Select does not add or take away
        (((A, R), (A, W)), True, True),  # Allows add up
    ],
)
def test_group_levels(levels, may_read, may_write):
    user = member_of(*levels)
    assert can(user, Area.CUSTOMER) is may_read
    assert can(user, Area.CUSTOMER, write=True) is may_write


def test_levels_are_per_area():
    user = member_of((A, W))
    assert can(user, Area.CUSTOMER, write=True)
    assert not can(user, Area.CARRIER)


@pytest.mark.parametrize("area", Area.values)
def test_admin_gets_every_area_even_when_a_group_denies(area):
    admin = AdminFactory()
    group = PermissionGroupFactory()
    GroupPermission.objects.create(group=group, area=area, level=D)
    group.members.add(admin)
    assert can(admin, area) and can(admin, area, write=True)


def test_inactive_and_anonymous_get_nothing():
    from django.contrib.auth.models import AnonymousUser

    admin = AdminFactory(is_active=False)
    assert not can(admin, Area.CUSTOMER)
    assert not can(AnonymousUser(), Area.CUSTOMER)


def test_unknown_area_is_a_programming_error():
    with pytest.raises(ValueError):
        can(AdminFactory(), "nope")


def test_grants_cost_one_query(django_assert_num_queries):
    user = member_of((A, R))
    with django_assert_num_queries(1):
        for area in Area.values:
            can(user, area)
            can(user, area, write=True)


class CustomerPage(AreaPermissionMixin, View):
    area = Area.CUSTOMER

    def get(self, request):
        return HttpResponse("read")

    def post(self, request):
        return HttpResponse("written")


class NoArea(AreaPermissionMixin, View):
    def get(self, request):
        return HttpResponse("should never answer")


def call(view, user, method="get"):
    """Status code as Django's handler would answer (PermissionDenied becomes 403)."""
    request = getattr(RequestFactory(), method)("/page/")
    request.user = user
    try:
        return view.as_view()(request).status_code
    except PermissionDenied:
        return 403


def test_mixin_sends_anonymous_to_login():
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/page/")
    request.user = AnonymousUser()
    response = CustomerPage.as_view()(request)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=/page/")


@pytest.mark.parametrize(
    ("levels", "method", "status"),
    [
        ((), "get", 403),
        (((A, R),), "get", 200),
        (((A, R),), "post", 403),
        (((A, W),), "post", 200),
        (((A, W), (D, W)), "get", 403),
    ],
)
def test_mixin_answers_by_level(levels, method, status):
    assert call(CustomerPage, member_of(*levels), method) == status


def test_view_without_area_is_refused():
    with pytest.raises(ImproperlyConfigured):
        call(NoArea, AdminFactory())
