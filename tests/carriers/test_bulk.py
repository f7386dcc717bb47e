"""Management > Carriers > Bulk Edit and Delete (carrier.md): tick carriers, change Status, Channels or
Flow Speed (CPS) on all of them, or delete them all or none."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from carriers import selectors, services
from carriers.models import Carrier, Gateway
from connexcs.models import AuditEvent
from tests.factories import AdminFactory
from tests.ratecards.factories import make_provider_card

pytestmark = pytest.mark.django_db
EDIT = reverse("carriers:carrier_bulk_edit")
DELETE = reverse("carriers:carrier_bulk_delete")


@pytest.fixture
def carriers():
    actor = AdminFactory()
    made = [
        services.carrier_create(actor=actor, name=n, currency="USD") for n in ("Alpha", "Bravo", "Charlie")
    ]
    services.gateway_create(actor=actor, carrier=made[0], address="192.0.2.10")
    return made


def row(name):
    c = Carrier.objects.get(name=name)
    return c.status, c.channels, c.cps


def test_list_offers_bulk_edit_and_delete_on_ticked_rows(admin_client, carriers):
    page = admin_client.get(reverse("carriers:carrier_list")).content.decode()
    assert f'formaction="{EDIT}"' in page and f'formaction="{DELETE}"' in page
    assert page.count('form="tick-form"') == 5  # a box per row, and the two buttons
    chosen = admin_client.get(EDIT, {"pk": [carriers[0].pk, carriers[2].pk]})
    assert chosen.context["form"].initial["items"] == [str(carriers[0].pk), str(carriers[2].pk)]


def test_bulk_edit_changes_only_the_given_fields_of_the_ticked_carriers(admin_client, carriers):
    alpha, bravo, _ = carriers
    data = {"items": [alpha.pk, bravo.pk], "status": "inactive", "channels": "", "cps": "7"}
    response = admin_client.post(EDIT, data)
    assert response.status_code == 302 and response.url == reverse("carriers:carrier_list")
    assert row("Alpha") == ("inactive", 0, 7) and row("Bravo") == ("inactive", 0, 7)
    assert row("Charlie") == ("active", 0, 0)
    assert AuditEvent.objects.filter(action="carrier.update").count() == 2


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"status": "", "channels": "", "cps": ""}, "__all__", "Choose at least one field to change"),
        ({"status": "", "channels": "-3", "cps": ""}, "channels", "greater than or equal to 0"),
        ({"status": "gone", "channels": "", "cps": ""}, "status", "not one of the available choices"),
    ],
)
def test_bulk_edit_refusals_name_the_field_and_change_nothing(admin_client, carriers, data, field, words):
    response = admin_client.post(EDIT, {"items": [c.pk for c in carriers], **data})
    assert response.status_code == 200 and words in " ".join(response.context["form"].errors[field])
    assert [row(c.name) for c in carriers] == [("active", 0, 0)] * 3


def test_bulk_delete_is_all_or_none(admin_client, carriers):
    priced = carriers[2]
    make_provider_card([("44", "0.01")], carrier=priced)
    ids = [c.pk for c in carriers]
    page = admin_client.get(DELETE, {"pk": ids}).content.decode()
    assert "1 of these cannot be deleted, so none is" in page and "Charlie has provider rate cards" in page
    response = admin_client.post(DELETE, {"items": ids})
    assert (
        response.status_code == 200
        and "Charlie has provider rate cards" in response.context["form"].errors["items"][0]
    )
    assert Carrier.objects.count() == 3

    response = admin_client.post(DELETE, {"items": ids[:2]})
    assert response.status_code == 302
    assert list(Carrier.objects.values_list("name", flat=True)) == ["Charlie"]
    assert not Gateway.objects.exists()
    assert AuditEvent.objects.filter(action="carrier.delete").count() == 2


def test_delete_refusals_take_one_query(carriers):
    with CaptureQueriesContext(connection) as queries:
        assert selectors.carrier_delete_refusals(carriers=carriers) == {}
    assert len(queries) == 1
