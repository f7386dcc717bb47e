"""Management > Customers > Bulk Edit: tick customers, set Status, Channels, Flow Speed (CPS) or Portal
Access on all of them at once; an empty field keeps each customer's own value; all or nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from connexcs.models import AuditEvent
from customers import services
from customers.models import Customer
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
URL = reverse("customers:customer_bulk_edit")


@pytest.fixture
def three():
    return [
        CustomerFactory(name="Acme", channels=10, cps=5, portal_access=True),
        CustomerFactory(name="Beta", channels=20, cps=0, portal_access=False),
        CustomerFactory(name="Gamma", channels=30, cps=7, portal_access=True),
    ]


def post(client, chosen, **fields):
    data = {"items": [c.pk for c in chosen], "status": "", "channels": "", "cps": "", "portal_access": ""}
    return client.post(URL, {**data, **fields})


def state(name):
    c = Customer.objects.get(name=name)
    return c.status, c.channels, c.cps, c.portal_access


def test_ticked_customers_arrive_chosen(admin_client, three):
    listing = admin_client.get(reverse("customers:customer_list")).content.decode()
    assert "Bulk Edit" in listing and f'formaction="{URL}"' in listing
    page = admin_client.get(URL, {"pk": [three[0].pk, three[1].pk, "x"]})
    assert page.context["form"].initial["items"] == [str(three[0].pk), str(three[1].pk)]
    assert "Keep each customer&#x27;s own" in page.content.decode()


def test_only_the_fields_given_change_and_each_customer_is_audited(admin_client, three):
    acme, beta, _ = three
    response = post(admin_client, [acme, beta], status="penalty", channels="0", portal_access="no")
    assert response.status_code == 302 and response.url == reverse("customers:customer_list")
    assert state("Acme") == ("penalty", 0, 5, False)  # cps kept: Acme's own 5
    assert state("Beta") == ("penalty", 0, 0, False)
    assert state("Gamma") == ("active", 30, 7, True)  # not ticked
    events = AuditEvent.objects.filter(action="customer.update")
    assert sorted(e.object_id for e in events) == sorted([str(acme.pk), str(beta.pk)])
    follow = admin_client.get(reverse("customers:customer_list"))
    assert "Updated 2 customers." in [str(m) for m in follow.context["messages"]]


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({}, None, "Choose at least one field to change"),
        ({"items": []}, "items", "required"),
        ({"channels": "-1"}, "channels", "greater than or equal to 0"),
        ({"cps": "many"}, "cps", "Enter a whole number."),
        ({"status": "deleted"}, "status", "not one of the available choices"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(admin_client, three, fields, field, words):
    before = [state(c.name) for c in three]
    response = post(admin_client, three, **fields)
    assert response.status_code == 200
    errors = response.context["form"].errors.get(field or "__all__")
    assert words in " ".join(errors)
    assert [state(c.name) for c in three] == before
    assert not AuditEvent.objects.filter(action="customer.update").exists()


def test_a_customer_deleted_meanwhile_changes_nothing(admin_user, three):
    gone = CustomerFactory(name="Deleted meanwhile")
    Customer.objects.filter(pk=gone.pk).delete()
    with pytest.raises(ValidationError) as caught:
        services.customer_bulk_update(actor=admin_user, customers=[*three, gone], channels=99)
    assert "deleted meanwhile" in caught.value.message_dict["customers"][0]
    assert [state(c.name)[1] for c in three] == [10, 20, 30]


def test_the_services_refusal_names_the_customer_and_changes_nothing(admin_user, three):
    with pytest.raises(ValidationError) as caught:
        services.customer_bulk_update(actor=admin_user, customers=three, status="active", channels=-5)
    assert caught.value.message_dict["channels"][0].startswith("Acme: ")
    assert [state(c.name) for c in three] == [
        ("active", 10, 5, True),
        ("active", 20, 0, False),
        ("active", 30, 7, True),
    ]
