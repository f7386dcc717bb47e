"""Deleting a carrier: only one no provider rate card refers to, with its gateways and an audit event."""

import pytest
from django.urls import reverse

from accounts.choices import Access, Area
from carriers import services
from carriers.models import Carrier, Gateway
from connexcs import versioning
from connexcs.models import AuditEvent
from ratecards.services import provider_card_create
from tests.factories import AdminFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def carrier():
    admin = AdminFactory()
    carrier = services.carrier_create(actor=admin, name="Upstream", currency="USD")
    services.gateway_create(actor=admin, carrier=carrier, address="203.0.113.9")
    return carrier


def delete_url(carrier):
    return reverse("carriers:carrier_delete", kwargs={"pk": carrier.pk})


def test_confirmation_page_then_delete_with_gateways(
    admin_client, carrier, django_capture_on_commit_callbacks
):
    assert delete_url(carrier) in admin_client.get(carrier.get_absolute_url()).content.decode()
    page = admin_client.get(delete_url(carrier)).content.decode()
    assert "Delete <strong>Upstream</strong>?" in page and "Inactive" in page
    version = versioning.current("routing")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(delete_url(carrier))
    assert response.status_code == 302 and response.url == reverse("carriers:carrier_list")
    assert not Carrier.objects.exists() and not Gateway.objects.exists()
    event = AuditEvent.objects.get(action="carrier.delete", object_id=str(carrier.pk))
    assert event.before["name"] == "Upstream" and event.before["gateways"] == ["203.0.113.9:5060"]
    assert versioning.current("routing") == version + 1


def test_refused_with_provider_rate_cards(admin_client, carrier):
    provider_card_create(actor=AdminFactory(), name="Upstream A-Z", carrier=carrier, currency="USD")
    response = admin_client.post(delete_url(carrier), follow=True)
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == delete_url(carrier)
    assert "has provider rate cards" in body and "set its status to Inactive instead" in body
    assert Carrier.objects.filter(pk=carrier.pk).exists() and carrier.gateways.count() == 1
    assert not AuditEvent.objects.filter(action="carrier.delete").exists()


def test_permissions(client, carrier):
    url = delete_url(carrier)
    response = client.post(url)
    assert response.status_code == 302 and "/accounts/login/" in response.url
    nobody, other_area, reader = UserFactory(), UserFactory(), UserFactory()
    grant(other_area, Area.CUSTOMER)
    grant(reader, Area.CARRIER, access=Access.READ)
    for user in (nobody, other_area, reader):
        client.force_login(user)
        assert client.post(url).status_code == 403, user
    client.force_login(reader)
    assert client.get(url).status_code == 403
    assert Carrier.objects.filter(pk=carrier.pk).exists()
    writer = UserFactory()
    grant(writer, Area.CARRIER)
    client.force_login(writer)
    assert client.post(url).status_code == 302
    assert not Carrier.objects.filter(pk=carrier.pk).exists()
