"""Management > Customers > Delete with several ticked: all of them or none; a customer with payments,
charges or ingress routes refuses the whole delete and is named."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from connexcs.models import AuditEvent
from customers import selectors, services
from customers.models import Contact, Customer
from tests.factories import CustomerFactory
from tests.routing import factories as rf

pytestmark = pytest.mark.django_db
URL = reverse("customers:customer_bulk_delete")


@pytest.fixture
def spare():
    a, b = CustomerFactory(name="Spare A"), CustomerFactory(name="Spare B")
    Contact.objects.create(customer=a, name="Ann", email="ann@a.test")
    return [a, b]


def test_ticked_customers_without_history_are_deleted_after_confirmation(admin_client, spare):
    listing = admin_client.get(reverse("customers:customer_list")).content.decode()
    assert f'formaction="{URL}"' in listing
    page = admin_client.get(URL, {"pk": [c.pk for c in spare]})
    html = page.content.decode()
    assert "Spare A" in html and "Spare B" in html and 'data-confirm="Delete 2 customers?' in html

    response = admin_client.post(URL, {"items": [c.pk for c in spare]})
    assert response.status_code == 302 and response.url == reverse("customers:customer_list")
    assert not Customer.objects.filter(pk__in=[c.pk for c in spare]).exists()
    assert not Contact.objects.exists()
    assert AuditEvent.objects.filter(action="customer.delete").count() == 2
    follow = admin_client.get(response.url)
    assert "Deleted 2 customers." in [str(m) for m in follow.context["messages"]]


def test_one_that_must_be_kept_refuses_the_whole_delete(admin_client, admin_user, spare):
    paid = CustomerFactory(name="Paid Ltd")
    services.payment_create(actor=admin_user, customer=paid, description="x", amount="5", status="complete")
    routed = CustomerFactory(name="Routed Ltd")
    rf.route(routed, rf.card({"44": {"rate": "0.01"}}), tech_prefix="9")
    chosen = [*spare, paid, routed]

    page = admin_client.get(URL, {"pk": [c.pk for c in chosen]}).content.decode()
    assert "2 of these cannot be deleted, so none is" in page
    assert "Paid Ltd has payments or charges" in page and "Routed Ltd still has ingress routes" in page
    assert 'type="submit" class="btn btn-danger"' not in page

    response = admin_client.post(URL, {"items": [c.pk for c in chosen]})
    assert response.status_code == 200
    errors = response.context["form"].errors["items"]
    assert any(e.startswith("Paid Ltd has payments") for e in errors)
    assert Customer.objects.count() == 4  # nobody deleted, not even the spare ones
    assert not AuditEvent.objects.filter(action="customer.delete").exists()


def test_nothing_ticked_or_unknown_ids_change_nothing(admin_client, spare):
    assert "Nothing is ticked" in admin_client.get(URL).content.decode()
    response = admin_client.post(URL, {"items": ["2000000000"]})
    assert response.status_code == 200 and "items" in response.context["form"].errors
    assert Customer.objects.count() == 2


def test_refusals_are_read_in_one_query_whatever_the_count(admin_user):
    customers = [CustomerFactory() for _ in range(20)]
    with CaptureQueriesContext(connection) as queries:
        assert selectors.customer_delete_refusals(customers=customers) == {}
    assert len(queries) == 1
