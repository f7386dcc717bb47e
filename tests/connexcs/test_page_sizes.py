"""`?per_page=` takes a size from a fixed set; anything else falls back to the list's default."""

import pytest
from django.urls import get_resolver, reverse
from django_tables2 import SingleTableMixin

from connexcs.paging import PAGE_SIZES, page_size
from customers import services as customer_services
from ratecards import services as card_services
from tests.connexcs.test_view_permissions import iter_patterns, view_class
from tests.factories import AdminFactory, CustomerFactory
from tests.ratecards.factories import make_provider_card

pytestmark = pytest.mark.django_db

# url name -> (which object of the world its pk comes from, the list's default page size, table in context)
PAGES = {
    "customers:customer_list": (None, 25, "table"),
    "customers:customer_payments": ("customer", 25, "table"),
    "customers:customer_contacts": ("customer", 25, "table"),
    "cdr:customer_balance_history": ("customer", 25, "table"),
    "cdr:breakout": (None, 50, "table"),
    "carriers:carrier_list": (None, 25, "table"),
    "payments:carrier_payments": ("carrier", 25, "table"),
    "ratecards:index": (None, 25, "provider_table"),
    "ratecards:carrier_cards": ("carrier", 25, "table"),
    "ratecards:provider_detail": ("provider", 50, "table"),
    "ratecards:provider_revisions": ("provider", 25, "table"),
    "ratecards:customer_detail": ("card", 50, "table"),
    "ratecards:customer_profits": ("card", 50, "table"),
    "ratecards:customer_revisions": ("card", 50, "table"),
    "ratecards:exchange_rates": (None, 25, "table"),
    "routing:customer_routing": ("customer", 25, "table"),
    "routing:token_list": (None, 25, "table"),
    "accounts:user_list": (None, 25, "table"),
    "accounts:group_list": (None, 25, "table"),
    "portal:domain_list": (None, 25, "table"),
    "servers:server_list": (None, 25, "table"),
    "servers:cluster_list": (None, 25, "table"),
    "servers:provider_list": (None, 25, "table"),
    "servers:my_servers": (None, 25, "table"),
    "payments:gateway_list": (None, 25, "table"),
    "payments:payment_list": (None, 25, "table"),
    "packages:package_list": (None, 25, "table"),
    "packages:customer_packages": ("customer", 25, "table"),
    "notices:template_list": (None, 25, "table"),
    "mailings:mailing_list": (None, 25, "table"),
    "certificates:certificate_list": (None, 25, "table"),
    "audit_log": (None, 25, "table"),
}
HOSTILE = ["200000", "-1", "0", "abc", "26", "1e9", ""]


@pytest.fixture
def world():
    admin = AdminFactory()
    customer = CustomerFactory()
    customer_services.payment_create(actor=admin, customer=customer, description="x", amount="1")
    provider = make_provider_card([("44", "0.01")], actor=admin)
    card = card_services.customer_card_create(
        actor=admin, name="Retail", currency="USD", providers=[provider]
    )
    return {"customer": customer, "carrier": provider.carrier, "provider": provider, "card": card}


def url_of(name, world):
    key = PAGES[name][0]
    return reverse(name, kwargs={"pk": world[key].pk}) if key else reverse(name)


def test_every_paginated_list_is_checked():
    lists = {
        name
        for name, p in iter_patterns(get_resolver())
        if issubclass(view_class(p) or object, SingleTableMixin)
    }
    assert lists <= set(PAGES), sorted(lists - set(PAGES))


@pytest.mark.parametrize("value", ["25", "50", "100", "250", "200000", "-1", "abc", None])
def test_page_size_values(value):
    expected = int(value) if value in ("25", "50", "100", "250") else 25
    assert page_size(value) == expected


@pytest.mark.parametrize("name", sorted(PAGES))
def test_hostile_page_sizes_fall_back_to_the_default(admin_client, world, name):
    url, (_, default, table_name) = url_of(name, world), PAGES[name]
    for value in HOSTILE:
        response = admin_client.get(url, {"per_page": value, "p-per_page": value})
        assert response.status_code == 200, (name, value)
        assert response.context[table_name].paginator.per_page == default, (name, value)
    for size in PAGE_SIZES:
        response = admin_client.get(url, {"per_page": size, "p-per_page": size})
        assert response.context[table_name].paginator.per_page == size, (name, size)
