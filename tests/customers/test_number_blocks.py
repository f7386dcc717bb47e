"""Customer > Main > Internal Number Block (customer_main.md): "+" assigns the next free block of the
account's size; a customer with blocks may only have SIP users numbered from them; without, any name."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from accounts.models import AccountSettings
from connexcs.models import AuditEvent
from customers import selectors, services
from customers.models import NumberBlock, SIPUser
from tests.factories import AdminFactory, CustomerFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Str0ng-Passw0rd!x"


@pytest.fixture
def ranged():
    row = AccountSettings.load()
    row.number_range_start, row.number_block_size = 1000, 100
    row.save()
    return row


def add_block(client, customer):
    return client.post(reverse("customers:number_block_add", args=[customer.pk]))


def test_general_information_sets_both_or_neither(admin_client):
    data = {
        "currency": "USD",
        "date_format": AccountSettings.load().date_format,
        "number_range_start": "1000",
    }
    response = admin_client.post(reverse("accounts:general_edit"), data)
    assert "Set both Number Range Start and Block Size, or neither." in str(response.context["form"].errors)
    response = admin_client.post(reverse("accounts:general_edit"), {**data, "number_block_size": "100"})
    assert response.status_code == 302
    assert (AccountSettings.load().number_range_start, AccountSettings.load().number_block_size) == (
        1000,
        100,
    )
    assert "100 numbers each, from 1000" in admin_client.get(reverse("accounts:my_account")).content.decode()


@pytest.mark.usefixtures("ranged")
def test_plus_assigns_the_next_free_block_and_fills_gaps(admin_client):
    acme, beta = CustomerFactory(name="Acme"), CustomerFactory(name="Beta")
    assert add_block(admin_client, acme).status_code == 302
    add_block(admin_client, beta)
    add_block(admin_client, acme)
    assert [(b.customer.name, b.start, b.end) for b in NumberBlock.objects.all()] == [
        ("Acme", 1000, 1099), ("Beta", 1100, 1199), ("Acme", 1200, 1299),
    ]  # fmt: skip
    admin_client.post(reverse("customers:number_block_release", args=[beta.pk, beta.number_blocks.get().pk]))
    add_block(admin_client, CustomerFactory(name="Gamma"))
    assert NumberBlock.objects.get(customer__name="Gamma").start == 1100  # the released gap is reused
    page = admin_client.get(acme.get_absolute_url()).content.decode()
    assert "1000–1099" in page and "1200–1299" in page
    assert AuditEvent.objects.filter(action="number_block.assign").count() == 4
    assert AuditEvent.objects.filter(action="number_block.release").count() == 1


def test_without_settings_plus_says_what_to_set(admin_client):
    acme = CustomerFactory()
    response = add_block(admin_client, acme)
    follow = admin_client.get(response.url)
    assert any("Set Number Range Start and Block Size" in str(m) for m in follow.context["messages"])
    assert not NumberBlock.objects.exists()


@pytest.mark.usefixtures("ranged")
def test_sip_users_come_from_the_customers_blocks(admin_client, admin_user):
    acme, free = CustomerFactory(name="Acme"), CustomerFactory(name="Free Co")
    services.number_block_assign(actor=admin_user, customer=acme)
    form = admin_client.get(reverse("customers:sipuser_add", args=[acme.pk])).context["form"]
    assert (
        form.initial["username"] == "1000"
        and "1000–1099; free: 1000, 1001" in form.fields["username"].help_text
    )

    for bad in ("alice", "0999", "1100"):
        with pytest.raises(ValidationError) as caught:
            services.sipuser_create(actor=admin_user, customer=acme, username=bad, password=PASSWORD)
        assert "Internal Number Block: 1000–1099" in caught.value.message_dict["username"][0]
    services.sipuser_create(actor=admin_user, customer=acme, username="1000", password=PASSWORD)
    services.sipuser_create(actor=admin_user, customer=free, username="alice", password=PASSWORD)  # no block
    assert selectors.free_numbers(acme, limit=2) == [1001, 1002]

    block = acme.number_blocks.get()
    response = admin_client.post(reverse("customers:number_block_release", args=[acme.pk, block.pk]))
    follow = admin_client.get(response.url)
    assert any("SIP users 1000 use numbers of 1000–1099" in str(m) for m in follow.context["messages"])
    assert (
        NumberBlock.objects.filter(pk=block.pk).exists() and SIPUser.objects.filter(username="1000").exists()
    )


@pytest.mark.usefixtures("ranged")
def test_release_is_scoped_to_the_customer_in_the_url(admin_client, admin_user):
    acme, other = CustomerFactory(), CustomerFactory()
    block = services.number_block_assign(actor=admin_user, customer=acme)
    response = admin_client.post(reverse("customers:number_block_release", args=[other.pk, block.pk]))
    assert response.status_code == 404 and NumberBlock.objects.filter(pk=block.pk).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("ranged")
def test_two_simultaneous_plus_get_two_blocks():
    actor = AdminFactory()
    customers = [CustomerFactory(), CustomerFactory()]
    barrier, errors = threading.Barrier(2), []

    def assign(customer):
        try:
            barrier.wait()
            services.number_block_assign(actor=actor, customer=customer)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=assign, args=(c,)) for c in customers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(NumberBlock.objects.values_list("start", flat=True)) == [1000, 1100]
