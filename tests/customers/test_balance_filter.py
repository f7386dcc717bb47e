"""The customer list's Balance filter follows the routing engine's rule: balance + debit limit > 0."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import Customer, LedgerEntry
from routing.loader import load_customers

pytestmark = pytest.mark.django_db


def customer(name, balance, debit_limit="0"):
    c = Customer.objects.create(name=name, currency="USD", debit_limit=Decimal(debit_limit))
    if Decimal(balance):
        LedgerEntry.objects.create(customer=c, kind="payment", amount=Decimal(balance), currency="USD")
    return c


@pytest.fixture
def edges():
    customer("Rich", "10")
    customer("Broke", "0")
    customer("Exactly", "-5", debit_limit="5")
    customer("OnCredit", "-5", debit_limit="5.0001")
    customer("Over", "-7", debit_limit="5")


def names(response):
    return {row.name for row in response.context["table"].data}


def test_filter_matches_what_routing_decides(admin_client, edges):
    url = reverse("customers:customer_list")
    out_names = names(admin_client.get(url, {"balance_state": "out"}))
    in_names = names(admin_client.get(url, {"balance_state": "in"}))
    assert out_names == {"Broke", "Exactly", "Over"}
    assert in_names == {"Rich", "OnCredit"}
    engine = {info.name: info.has_credit for info in load_customers().values()}
    assert engine == {**dict.fromkeys(in_names, True), **dict.fromkeys(out_names, False)}
    page = admin_client.get(url)
    assert len(names(page)) == 5
    assert '<option value="out">Out of balance</option>' in page.content.decode()


def test_bad_choice_is_a_form_error_not_a_500(admin_client, edges):
    response = admin_client.get(reverse("customers:customer_list"), {"balance_state": "rich"})
    assert response.status_code == 200
    assert "balance_state" in response.context["filter"].form.errors


def test_query_count_does_not_grow(admin_client, django_assert_max_num_queries):
    url = reverse("customers:customer_list")

    def make(n, start):
        for i in range(n):
            customer(f"Out {start + i:03d}", "-1")

    make(5, 0)
    admin_client.get(url, {"balance_state": "out"})
    with CaptureQueriesContext(connection) as small:
        response = admin_client.get(url, {"balance_state": "out"})
    assert len(names(response)) == 5
    make(10, 5)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = admin_client.get(url, {"balance_state": "out"})
    assert len(names(response)) == 15
