"""Every error on the first submit: the service's checks run even when a form field failed,
and that check changes nothing (no row, no audit event)."""

import pytest

from connexcs.models import AuditEvent
from customers.models import Customer
from customers.services import customer_create
from routing.models import IngressRoute
from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = AdminFactory()
    client.force_login(admin)
    return client, admin


def test_create_form_shows_field_and_service_errors_together(admin_client):
    client, admin = admin_client
    customer = customer_create(actor=admin, name="Acme", currency="USD")
    events = AuditEvent.objects.count()
    response = client.post(
        f"/customers/{customer.pk}/routing/add/", {"card": "", "tech_prefix": "ab!", "dial_prefixes": "44x"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["card"] == ["This field is required."]  # the form's own check
    assert errors["tech_prefix"] == ["Use up to 20 digits, * or #."]  # the service's, same submit
    assert errors["dial_prefixes"] == ["Prefixes are digits only: 44x."]
    assert IngressRoute.objects.count() == 0 and AuditEvent.objects.count() == events


def test_update_form_shows_a_service_error_next_to_a_field_error(admin_client):
    client, admin = admin_client
    customer_create(actor=admin, name="Taken", currency="USD")
    mine = customer_create(actor=admin, name="Mine", currency="USD")
    response = client.post(
        f"/customers/{mine.pk}/edit/",
        {"name": "taken", "currency": "USD", "status": "active", "debit_limit": "lots"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "debit_limit" in errors
    assert errors["name"] == ["A customer named 'taken' already exists."]
    assert Customer.objects.get(pk=mine.pk).name == "Mine"
