"""Setup > Config > Packages and the customer's Packages tab through the client."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.choices import Area
from accounts.dates import panel_date
from packages.models import CustomerPackage, Package
from packages.services import customer_package_assign
from tests.factories import AdminFactory, CustomerFactory, PackageFactory
from tests.viewtests import ViewTestCases

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    customer = CustomerFactory(name="Acme")
    package = PackageFactory(name="Gold")
    assignment = customer_package_assign(actor=AdminFactory(), customer=customer, package=package)
    return {"customer": customer, "package": package, "assignment": assignment}


class TestPackageViews(ViewTestCases):
    area = Area.CUSTOMER
    other_area = Area.CARRIER
    read_only = {"packages:package_list", "packages:customer_packages"}

    @pytest.fixture
    def pages(self, world):
        customer = world["customer"]
        row = {"customer_pk": customer.pk, "pk": world["assignment"].pk}
        return [
            ("packages:package_list", {}, "get"),
            ("packages:package_add", {}, "get"),
            ("packages:package_edit", {"pk": world["package"].pk}, "get"),
            ("packages:package_delete", {"pk": world["package"].pk}, "get"),
            ("packages:customer_packages", {"pk": customer.pk}, "get"),
            ("packages:customer_package_assign", {"customer_pk": customer.pk}, "get"),
            ("packages:customer_package_remove", row, "get"),
        ]


FORM = {
    "name": "Free UK",
    "cost": "1",
    "retail": "5",
    "setup_cost": "0",
    "setup_retail": "2.50",
    "frequency": "monthly",
    "frequency_match": "15, 31",
    "description": "",
    "minimum_days": "0",
    "type": "free_minutes",
    "destinations": "^44|^91|^1",
    "free_minutes": "100",
    "enabled": "on",
}


def test_add_package_and_list_it_with_its_customers(admin_client, world):
    response = admin_client.post(reverse("packages:package_add"), FORM)
    assert response.status_code == 302
    package = Package.objects.get(name="Free UK")
    assert package.frequency_match == [15, 31]
    listed = admin_client.get(reverse("packages:package_list"))
    assert {p.name: p.customers for p in listed.context["table"].data} == {"Free UK": 0, "Gold": 1}
    assert "Free UK" in listed.content.decode()
    page = admin_client.get(reverse("packages:package_add")).content.decode()
    assert "bills on" in page and "last day" in page  # the form says what day 31 does in short months


@pytest.mark.parametrize(
    ("change", "field_label"),
    [
        ({"retail": "-5"}, "retail"),
        ({"frequency_match": "15, 40"}, "frequency_match"),
        ({"frequency_match": "x"}, "frequency_match"),
        ({"destinations": "(a+)+\\1"}, "destinations"),
        ({"free_minutes": "-3"}, "free_minutes"),
    ],
)
def test_bad_input_is_a_field_error_not_a_500(admin_client, change, field_label):
    response = admin_client.post(reverse("packages:package_add"), {**FORM, **change})
    assert response.status_code == 200
    assert field_label in response.context["form"].errors
    assert not Package.objects.filter(name="Free UK").exists()


def test_packages_tab_assign_and_remove(admin_client, world):
    customer = world["customer"]
    other = PackageFactory(name="Silver", setup_retail="4", minimum_days=10, frequency_match=[1])
    url = reverse("packages:customer_package_assign", kwargs={"customer_pk": customer.pk})
    assert admin_client.post(url, {"package": other.pk}).status_code == 302
    tab = admin_client.get(reverse("packages:customer_packages", kwargs={"pk": customer.pk})).content.decode()
    assert "Silver" in tab and "Next Billing Date" in tab and "Free Minutes Left" in tab
    assignment = CustomerPackage.objects.get(package=other)
    removable = assignment.start_date + dt.timedelta(days=10)
    assert panel_date(removable) in tab
    remove = reverse(
        "packages:customer_package_remove", kwargs={"customer_pk": customer.pk, "pk": assignment.pk}
    )
    response = admin_client.post(remove, follow=True)
    assert f"it can be removed from {removable.isoformat()}" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.removed_at is None


def test_another_customers_package_is_404(admin_client, world):
    stranger = CustomerFactory()
    url = reverse(
        "packages:customer_package_remove", kwargs={"customer_pk": stranger.pk, "pk": world["assignment"].pk}
    )
    assert admin_client.get(url).status_code == 404


def test_lists_query_count_does_not_grow(admin_client, world, django_assert_max_num_queries):
    admin = AdminFactory()
    customer = world["customer"]
    urls = [
        reverse("packages:package_list"),
        reverse("packages:customer_packages", kwargs={"pk": customer.pk}),
    ]

    def make(n):
        for _ in range(n):
            package = PackageFactory(type="free_minutes", destinations="^44", free_minutes=5)
            customer_package_assign(actor=admin, customer=customer, package=package)
            customer_package_assign(actor=admin, customer=CustomerFactory(), package=package)

    make(2)
    for url in urls:
        with CaptureQueriesContext(connection) as small:
            admin_client.get(url)
        make(6)
        with django_assert_max_num_queries(len(small.captured_queries)):
            assert admin_client.get(url).status_code == 200
