import html
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.choices import Area
from connexcs.models import AuditEvent
from customers import services
from customers.models import Contact, Customer, IPAuth, LedgerEntry, NumberBlock, Payment, SIPUser
from tests.factories import AdminFactory, CustomerFactory
from tests.viewtests import ViewTestCases

pytestmark = pytest.mark.django_db

STRONG = "Tr0ub4dor&3-Horse"


@pytest.fixture
def world():
    admin = AdminFactory()
    customer = services.customer_create(actor=admin, name="Acme", currency="EUR")
    ipauth = services.ipauth_create(actor=admin, customer=customer, address="192.0.2.1")
    sipuser = services.sipuser_create(actor=admin, customer=customer, username="acme100", password=STRONG)
    payment = services.payment_create(actor=admin, customer=customer, description="Top-up", amount="10")
    contact = services.contact_create(actor=admin, customer=customer, name="Ann", email="ann@example.com")
    return {
        "customer": customer,
        "ipauth": ipauth,
        "sipuser": sipuser,
        "payment": payment,
        "contact": contact,
    }


def pages(w):
    """(url name, kwargs, method) for every customers page."""
    c = w["customer"].pk
    return [
        ("customers:customer_list", {}, "get"),
        ("customers:customer_add", {}, "get"),
        ("customers:customer_bulk_edit", {}, "get"),
        ("customers:customer_bulk_delete", {}, "get"),
        ("customers:customer_detail", {"pk": c}, "get"),
        ("customers:customer_edit", {"pk": c}, "get"),
        ("customers:customer_delete", {"pk": c}, "get"),
        ("customers:customer_auth", {"pk": c}, "get"),
        ("customers:customer_payments", {"pk": c}, "get"),
        ("customers:customer_contacts", {"pk": c}, "get"),
        ("customers:ipauth_add", {"customer_pk": c}, "get"),
        ("customers:number_block_add", {"pk": c}, "post"),
        ("customers:number_block_release", {"customer_pk": c, "pk": w["block"].pk}, "post"),
        ("customers:ipauth_edit", {"customer_pk": c, "pk": w["ipauth"].pk}, "get"),
        ("customers:ipauth_delete", {"customer_pk": c, "pk": w["ipauth"].pk}, "get"),
        ("customers:sipuser_add", {"customer_pk": c}, "get"),
        ("customers:sipuser_edit", {"customer_pk": c, "pk": w["sipuser"].pk}, "get"),
        ("customers:sipuser_enable", {"customer_pk": c, "pk": w["sipuser"].pk}, "post"),
        ("customers:sipuser_delete", {"customer_pk": c, "pk": w["sipuser"].pk}, "get"),
        ("customers:sipuser_reveal", {"customer_pk": c, "pk": w["sipuser"].pk}, "post"),
        ("customers:payment_add", {"customer_pk": c}, "get"),
        ("customers:payment_status", {"customer_pk": c, "pk": w["payment"].pk}, "post"),
        ("customers:contact_add", {"customer_pk": c}, "get"),
        ("customers:contact_delete", {"customer_pk": c, "pk": w["contact"].pk}, "get"),
    ]


READ_ONLY = {
    "customers:customer_list",
    "customers:customer_detail",
    "customers:customer_auth",
    "customers:customer_payments",
    "customers:customer_contacts",
}


class TestCustomerViews(ViewTestCases):
    area = Area.CUSTOMER
    other_area = Area.CARRIER
    read_only = READ_ONLY

    @pytest.fixture
    def pages(self, world):
        # Only here: a block makes the customer's SIP usernames numbers, which other tests do not use.
        world["block"] = NumberBlock.objects.create(customer=world["customer"], start=5000, end=5099)
        return pages(world)


def test_other_customers_rows_are_404(admin_client, world):
    other = CustomerFactory()
    for name in ("customers:ipauth_edit", "customers:ipauth_delete"):
        url = reverse(name, kwargs={"customer_pk": other.pk, "pk": world["ipauth"].pk})
        assert admin_client.get(url).status_code == 404
    url = reverse("customers:sipuser_reveal", kwargs={"customer_pk": other.pk, "pk": world["sipuser"].pk})
    assert admin_client.post(url).status_code == 404
    assert not AuditEvent.objects.filter(action="sipuser.reveal_password").exists()


def test_list_shows_balance_in_customer_currency(admin_client, world):
    services.payment_set_status(actor=None, instance=world["payment"], status="complete")
    response = admin_client.get(reverse("customers:customer_list"))
    body = response.content.decode()
    assert "Acme" in body and "10.00 EUR" in body
    response = admin_client.get(reverse("customers:customer_detail", kwargs={"pk": world["customer"].pk}))
    assert "10.00 EUR" in response.content.decode()


def test_list_sorts_and_filters(admin_client):
    admin = AdminFactory()
    rich = services.customer_create(actor=admin, name="Rich", currency="USD")
    services.customer_create(actor=admin, name="Poor", currency="USD", status="penalty")
    services.payment_create(actor=admin, customer=rich, description="x", amount="500", status="complete")
    url = reverse("customers:customer_list")
    body = admin_client.get(url, {"sort": "-balance"}).content.decode()
    assert body.index("Rich") < body.index("Poor")
    body = admin_client.get(url, {"sort": "balance"}).content.decode()
    assert body.index("Poor") < body.index("Rich")
    body = admin_client.get(url, {"status": "penalty"}).content.decode()
    assert "Poor" in body and ">Rich<" not in body
    assert admin_client.get(url, {"name": "ric"}).content.decode().count(">Rich<") == 1


def test_list_query_count_does_not_grow(admin_client, django_assert_max_num_queries):
    admin = AdminFactory()

    def make(n):
        for _ in range(n):
            customer = CustomerFactory()
            services.payment_create(
                actor=admin, customer=customer, description="x", amount="1", status="complete"
            )

    url = reverse("customers:customer_list")
    make(5)
    admin_client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert admin_client.get(url).status_code == 200
    make(15)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert admin_client.get(url).status_code == 200


def test_add_customer_then_land_on_its_page(admin_client):
    response = admin_client.post(reverse("customers:customer_add"), {"name": "New Co", "currency": "GBP"})
    customer = Customer.objects.get(name="New Co")
    assert response.status_code == 302 and response.url == customer.get_absolute_url()
    assert AuditEvent.objects.filter(action="customer.create", object_id=str(customer.pk)).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [({"name": "", "currency": "USD"}, "name"), ({"name": "X", "currency": "XYZ"}, "currency")],
)
def test_add_customer_errors_name_the_field(admin_client, data, field):
    response = admin_client.post(reverse("customers:customer_add"), data)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not Customer.objects.exists()


def test_duplicate_customer_name_error_on_name(admin_client, world):
    response = admin_client.post(reverse("customers:customer_add"), {"name": "acme", "currency": "USD"})
    assert response.status_code == 200 and "already exists" in str(response.context["form"].errors["name"])


def test_edit_customer(admin_client, world):
    url = reverse("customers:customer_edit", kwargs={"pk": world["customer"].pk})
    data = {
        "name": "Acme",
        "currency": "EUR",
        "status": "pending",
        "debit_limit": "25",
        "channels": "10",
        "cps": "2",
        "tax_percent": "20",
        "minimum_payment": "5",
        "daily_spend_limit": "",
        "portal_access": "on",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302
    customer = Customer.objects.get()
    assert customer.status == "pending" and customer.debit_limit == Decimal("25") and customer.portal_access


def ipauth_data(**overrides):
    data = {
        "address": "198.51.100.7",
        "direction": "ingress",
        "protocol": "udp",
        "port": "5060",
        "channels": "0",
        "cps": "0",
        "tech_prefix": "",
    }
    data.update(overrides)
    return data


def test_add_ip_auth_and_see_it_on_the_tab(admin_client, world):
    c = world["customer"].pk
    response = admin_client.post(reverse("customers:ipauth_add", kwargs={"customer_pk": c}), ipauth_data())
    assert response.status_code == 302 and response.url == reverse(
        "customers:customer_auth", kwargs={"pk": c}
    )
    body = admin_client.get(response.url).content.decode()
    assert "198.51.100.7" in body and 'aria-label="Add IP Authentication"' in body


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"address": "10.0.0.1/33"}, "address"),
        ({"address": "192.0.2.1"}, "address"),  # duplicate of the world's entry
        ({"address": "1.2.3"}, "address"),
        ({"port": "99999"}, "port"),
        ({"tech_prefix": "abc"}, "tech_prefix"),
    ],
)
def test_ip_auth_errors_name_the_field(admin_client, world, overrides, field):
    url = reverse("customers:ipauth_add", kwargs={"customer_pk": world["customer"].pk})
    response = admin_client.post(url, ipauth_data(**overrides))
    assert response.status_code == 200 and field in response.context["form"].errors
    assert IPAuth.objects.count() == 1


def test_second_customer_claiming_address_needs_tech_prefix(admin_client, world):
    other = CustomerFactory()
    url = reverse("customers:ipauth_add", kwargs={"customer_pk": other.pk})
    response = admin_client.post(url, ipauth_data(address="192.0.2.1"))
    assert "tech_prefix" in response.context["form"].errors
    response = admin_client.post(url, ipauth_data(address="192.0.2.1", tech_prefix="77"))
    assert response.status_code == 302


def test_unresolvable_host_is_saved_and_flagged(admin_client, world, dns_server):
    url = reverse("customers:ipauth_add", kwargs={"customer_pk": world["customer"].pk})
    response = admin_client.post(url, ipauth_data(address="nowhere.example.test"))
    assert response.status_code == 302
    entry = IPAuth.objects.get(address="nowhere.example.test")
    services.ipauth_resolve(ipauth_id=entry.pk)
    body = admin_client.get(response.url).content.decode()
    assert "NXDOMAIN" in body


def test_edit_and_delete_ip_auth(admin_client, world):
    c, pk = world["customer"].pk, world["ipauth"].pk
    url = reverse("customers:ipauth_edit", kwargs={"customer_pk": c, "pk": pk})
    assert admin_client.post(url, ipauth_data(address="192.0.2.2")).status_code == 302
    assert IPAuth.objects.get(pk=pk).address == "192.0.2.2"
    url = reverse("customers:ipauth_delete", kwargs={"customer_pk": c, "pk": pk})
    assert admin_client.post(url).status_code == 302
    assert not IPAuth.objects.filter(pk=pk).exists()


def test_add_sip_user_never_echoes_password(admin_client, world):
    c = world["customer"].pk
    url = reverse("customers:sipuser_add", kwargs={"customer_pk": c})
    response = admin_client.post(url, {"username": "acme200", "password": "weak"})
    assert response.status_code == 200 and "password" in response.context["form"].errors
    assert "weak" not in response.content.decode().split("<main")[1].split("errorlist")[0]
    assert 'value="weak"' not in response.content.decode()
    response = admin_client.post(url, {"username": "acme100", "password": STRONG})
    assert "username" in response.context["form"].errors
    response = admin_client.post(url, {"username": "acme200", "password": "An0ther-Str0ng-One"})
    assert response.status_code == 302
    body = admin_client.get(response.url).content.decode()
    assert "acme200" in body and "An0ther-Str0ng-One" not in body and STRONG not in body


def test_reveal_shows_password_once_and_audits(admin_client, world):
    c, pk = world["customer"].pk, world["sipuser"].pk
    response = admin_client.post(reverse("customers:sipuser_reveal", kwargs={"customer_pk": c, "pk": pk}))
    assert response.status_code == 200 and html.escape(STRONG) in response.content.decode()
    assert AuditEvent.objects.filter(action="sipuser.reveal_password", object_id=str(pk)).count() == 1
    url = reverse("customers:sipuser_reveal", kwargs={"customer_pk": c, "pk": pk})
    assert admin_client.get(url).status_code == 405


def test_delete_sip_user(admin_client, world):
    c, pk = world["customer"].pk, world["sipuser"].pk
    assert (
        admin_client.post(
            reverse("customers:sipuser_delete", kwargs={"customer_pk": c, "pk": pk})
        ).status_code
        == 302
    )
    assert not SIPUser.objects.exists()


def test_add_payment_and_balance_follows(admin_client, world):
    c = world["customer"].pk
    url = reverse("customers:payment_add", kwargs={"customer_pk": c})
    response = admin_client.post(url, {"description": "Wire", "amount": "250.5", "status": "complete"})
    assert response.status_code == 302
    body = admin_client.get(response.url).content.decode()
    assert "250.50 EUR" in body and "Wire" in body


def test_the_same_payment_form_posted_twice_books_once_and_says_so(admin_client, world):
    url = reverse("customers:payment_add", kwargs={"customer_pk": world["customer"].pk})
    key = admin_client.get(url).context["form"]["idempotency_key"].value()
    data = {"description": "Wire", "amount": "10", "status": "complete", "idempotency_key": key}
    first = admin_client.post(url, data, follow=True).content.decode()
    assert "Payment saved." in first
    again = admin_client.post(url, data, follow=True).content.decode()
    assert "This payment was already saved; it was not booked again." in again
    assert "Payment saved." not in again
    assert Payment.objects.filter(description="Wire").count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"description": "x", "amount": "-1", "status": "complete"}, "amount"),
        ({"description": "x", "amount": "1.1234567", "status": "complete"}, "amount"),
        ({"description": "x", "amount": "", "status": "complete"}, "amount"),
        ({"description": "", "amount": "1", "status": "complete"}, "description"),
        ({"description": "x", "amount": "1", "status": "paid"}, "status"),
    ],
)
def test_payment_errors_name_the_field(admin_client, world, data, field):
    url = reverse("customers:payment_add", kwargs={"customer_pk": world["customer"].pk})
    response = admin_client.post(url, data)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert Payment.objects.count() == 1 and not LedgerEntry.objects.exists()


def test_payment_status_change(admin_client, world):
    c, pk = world["customer"].pk, world["payment"].pk
    url = reverse("customers:payment_status", kwargs={"customer_pk": c, "pk": pk})
    assert admin_client.post(url, {"status": "complete"}).status_code == 302
    assert LedgerEntry.objects.get().amount == Decimal("10")
    response = admin_client.post(url, {"status": "bogus"}, follow=True)
    assert "Status:" in response.content.decode()


def test_contacts_tab(admin_client, world):
    c = world["customer"].pk
    url = reverse("customers:contact_add", kwargs={"customer_pk": c})
    response = admin_client.post(url, {"name": "Bob", "email": "not-an-email", "phone": ""})
    assert "email" in response.context["form"].errors
    assert (
        admin_client.post(
            url, {"name": "Bob", "email": "bob@example.com", "phone": "+14155552671"}
        ).status_code
        == 302
    )
    body = admin_client.get(reverse("customers:customer_contacts", kwargs={"pk": c})).content.decode()
    assert "bob@example.com" in body and "+14155552671" in body
    contact = Contact.objects.get(email="bob@example.com")
    url = reverse("customers:contact_delete", kwargs={"customer_pk": c, "pk": contact.pk})
    assert admin_client.post(url).status_code == 302


def test_customer_page_tabs(admin_client, world):
    customer = world["customer"]
    body = admin_client.get(reverse("customers:customer_detail", kwargs={"pk": customer.pk})).content.decode()
    for label in ("Main", "Authentication", "Payments", "Contacts"):
        assert f">{label}</a>" in body
    routing_url = reverse("routing:customer_routing", kwargs={"pk": customer.pk})
    assert f'href="{routing_url}">Routing</a>' in body


@pytest.mark.parametrize(
    "tab", ["customers:customer_auth", "customers:customer_payments", "customers:customer_contacts"]
)
def test_tab_query_counts_do_not_grow(admin_client, django_assert_max_num_queries, tab):
    admin = AdminFactory()
    customer = services.customer_create(actor=admin, name="Busy", currency="USD")
    made = {"n": 0}

    def make(n):
        for _ in range(n):
            i = made["n"] = made["n"] + 1
            services.ipauth_create(actor=admin, customer=customer, address=f"192.0.2.{i}")
            services.sipuser_create(actor=admin, customer=customer, username=f"busy{i:03d}", password=STRONG)
            services.payment_create(
                actor=admin, customer=customer, description="x", amount="1", status="complete"
            )
            services.contact_create(actor=admin, customer=customer, name=f"C{i}", email=f"c{i}@example.com")

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse(tab, kwargs={"pk": customer.pk})
    make(2)
    with CaptureQueriesContext(connection) as small:
        admin_client.get(url)
    make(6)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert admin_client.get(url).status_code == 200
