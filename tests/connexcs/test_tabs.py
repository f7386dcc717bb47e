"""One tab registry: tabs are declared on views, drawn in weight order, hidden without their area."""

import pytest
from django.urls import reverse

from accounts.choices import Access, Area
from connexcs.tabs import tabs_for
from tests.factories import AdminFactory, CarrierFactory, CustomerFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


def labels(group, user, pk):
    return [label for label, _ in tabs_for(group, user, {"pk": pk})]


def test_customer_tabs_in_order_and_routing_comes_from_the_routing_app():
    customer = CustomerFactory()
    admin = AdminFactory()
    assert labels("customers.customer", admin, customer.pk) == [
        "Main",
        "Summary",
        "Authentication",
        "Routing",
        "Payments",
        "Balance History",
        "Packages",
        "Contacts",
        "CDR",
    ]
    urls = dict(tabs_for("customers.customer", admin, {"pk": customer.pk}))
    assert urls["Routing"] == f"/customers/{customer.pk}/routing/"


def test_a_tab_the_user_may_not_read_is_not_offered():
    customer = CustomerFactory()
    user = UserFactory()
    grant(user, Area.CUSTOMER, access=Access.READ)
    assert "Routing" not in labels("customers.customer", user, customer.pk)
    grant(user, Area.ROUTING, access=Access.READ)
    user = type(user).objects.get(pk=user.pk)  # grants are cached per user object
    assert "Routing" in labels("customers.customer", user, customer.pk)


def test_carrier_tabs():
    carrier = CarrierFactory()
    assert labels("carriers.carrier", AdminFactory(), carrier.pk) == [
        "Main",
        "Authentication",
        "Rate Cards",
        "Payments",
        "CDR",
        "Portal",
    ]


def test_routing_tab_page_is_under_the_customer_and_highlights_customers(admin_client):
    customer = CustomerFactory()
    body = admin_client.get(reverse("routing:customer_routing", kwargs={"pk": customer.pk})).content.decode()
    tab = f'class="nav-link active" aria-current="page" href="/customers/{customer.pk}/routing/">Routing'
    assert tab in body
    customers_menu = reverse("customers:customer_list")
    assert f'active" href="{customers_menu}" aria-current="page"' in body
    crumb = f'<li class="breadcrumb-item"><a href="{customer.get_absolute_url()}">{customer.name}</a></li>'
    assert crumb in body
