"""Deleting a customer: only one without money history or routes, with its children and an audit event."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.choices import Access, Area
from connexcs import versioning
from connexcs.models import AuditEvent
from customers import services
from customers.models import Contact, Customer, IPAuth, LedgerEntry, SIPUser
from tests.factories import AdminFactory, UserFactory, grant
from tests.routing import factories as rf

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer():
    admin = AdminFactory()
    customer = services.customer_create(actor=admin, name="Acme", currency="EUR")
    services.ipauth_create(actor=admin, customer=customer, address="192.0.2.1")
    services.sipuser_create(actor=admin, customer=customer, username="acme100", password="Tr0ub4dor&3-Horse")
    services.contact_create(actor=admin, customer=customer, name="Ann", email="ann@example.com")
    return customer


def delete_url(customer):
    return reverse("customers:customer_delete", kwargs={"pk": customer.pk})


def test_confirmation_page_then_delete_with_children(
    admin_client, customer, django_capture_on_commit_callbacks
):
    body = admin_client.get(customer.get_absolute_url()).content.decode()
    assert delete_url(customer) in body
    page = admin_client.get(delete_url(customer)).content.decode()
    assert "Delete <strong>Acme</strong>?" in page and "Inactive" in page
    version = versioning.current("routing")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(delete_url(customer))
    assert response.status_code == 302 and response.url == reverse("customers:customer_list")
    assert not Customer.objects.exists()
    assert not (IPAuth.objects.exists() or SIPUser.objects.exists() or Contact.objects.exists())
    event = AuditEvent.objects.get(action="customer.delete", object_id=str(customer.pk))
    assert event.before["name"] == "Acme" and event.before["sip_users"] == ["acme100"]
    assert versioning.current("routing") == version + 1
    assert "Deleted Acme." in admin_client.get(response.url).content.decode()


def refused(client, customer, words):
    response = client.post(delete_url(customer), follow=True)
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == delete_url(customer)
    assert words in body and "set its status to Inactive instead" in body
    assert Customer.objects.filter(pk=customer.pk).exists()
    assert customer.sip_users.count() == 1 and customer.contacts.count() == 1
    assert not AuditEvent.objects.filter(action="customer.delete").exists()


def test_refused_with_payments(admin_client, customer):
    services.payment_create(actor=AdminFactory(), customer=customer, description="Top-up", amount="10")
    refused(admin_client, customer, "has payments or charges")


def test_refused_with_ledger_entries_only(admin_client, customer):
    LedgerEntry.objects.create(customer=customer, kind="charge", amount=Decimal("-1.5"), currency="EUR")
    refused(admin_client, customer, "has payments or charges")


def test_refused_with_ingress_routes(admin_client, customer):
    rf.route(customer, rf.card(None))
    refused(admin_client, customer, "still has ingress routes")


def test_permissions(client, customer):
    url = delete_url(customer)
    response = client.post(url)
    assert response.status_code == 302 and "/accounts/login/" in response.url
    nobody, other_area, reader = UserFactory(), UserFactory(), UserFactory()
    grant(other_area, Area.CARRIER)
    grant(reader, Area.CUSTOMER, access=Access.READ)
    for user in (nobody, other_area, reader):
        client.force_login(user)
        assert client.post(url).status_code == 403, user
    client.force_login(reader)
    assert client.get(url).status_code == 403
    assert Customer.objects.filter(pk=customer.pk).exists()
    writer = UserFactory()
    grant(writer, Area.CUSTOMER)
    client.force_login(writer)
    assert client.post(url).status_code == 302
    assert not Customer.objects.filter(pk=customer.pk).exists()
