import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.choices import Area
from carriers import services
from carriers.models import Carrier, Gateway
from tests.factories import AdminFactory, CarrierFactory
from tests.viewtests import ViewTestCases

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    admin = AdminFactory()
    carrier = services.carrier_create(actor=admin, name="Upstream", currency="USD")
    gateway = services.gateway_create(actor=admin, carrier=carrier, address="203.0.113.9")
    return {"carrier": carrier, "gateway": gateway}


def pages(w):
    c, g = w["carrier"].pk, w["gateway"].pk
    return [
        ("carriers:carrier_list", {}),
        ("carriers:carrier_add", {}),
        ("carriers:carrier_bulk_edit", {}),
        ("carriers:carrier_bulk_delete", {}),
        ("carriers:carrier_detail", {"pk": c}),
        ("carriers:carrier_edit", {"pk": c}),
        ("carriers:carrier_delete", {"pk": c}),
        ("carriers:carrier_auth", {"pk": c}),
        ("carriers:gateway_add", {"carrier_pk": c}),
        ("carriers:gateway_edit", {"carrier_pk": c, "pk": g}),
        ("carriers:gateway_delete", {"carrier_pk": c, "pk": g}),
    ]


READ_ONLY = {"carriers:carrier_list", "carriers:carrier_detail", "carriers:carrier_auth"}


class TestCarrierViews(ViewTestCases):
    area = Area.CARRIER
    other_area = Area.CUSTOMER
    read_only = READ_ONLY

    @pytest.fixture
    def pages(self, world):
        return [(name, kwargs, "get") for name, kwargs in pages(world)]


def test_add_carrier_with_seed_labels(admin_client):
    body = admin_client.get(reverse("carriers:carrier_add")).content.decode()
    assert "Carrier Name" in body and "Currency" in body
    data = {
        "name": "Big Carrier",
        "currency": "EUR",
        "status": "active",
        "channels": "0",
        "cps": "0",
        "first_reply_timeout": "3",
        "pdd_timeout": "5",
        "ring_timeout": "60",
    }
    response = admin_client.post(reverse("carriers:carrier_add"), data)
    carrier = Carrier.objects.get(name="Big Carrier")
    assert response.status_code == 302 and response.url == carrier.get_absolute_url()
    response = admin_client.post(reverse("carriers:carrier_add"), {**data, "currency": "QQQ"})
    assert "currency" in response.context["form"].errors
    response = admin_client.post(reverse("carriers:carrier_add"), {**data, "name": "big carrier"})
    assert "name" in response.context["form"].errors


def test_gateway_add_edit_delete(admin_client, world):
    c = world["carrier"].pk
    url = reverse("carriers:gateway_add", kwargs={"carrier_pk": c})
    data = {
        "address": "_sip._udp.example.test",
        "port": "5060",
        "protocol": "udp",
        "weight": "5",
        "enabled": "on",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302 and response.url == reverse("carriers:carrier_auth", kwargs={"pk": c})
    assert Gateway.objects.get(address="_sip._udp.example.test").kind == "srv"
    response = admin_client.post(url, {**data, "address": "10.0.0.1/33"})
    assert "address" in response.context["form"].errors
    response = admin_client.post(url, {**data, "address": "203.0.113.9"})
    assert "address" in response.context["form"].errors
    g = world["gateway"].pk
    edit = reverse("carriers:gateway_edit", kwargs={"carrier_pk": c, "pk": g})
    assert admin_client.post(edit, {**data, "address": "203.0.113.10", "enabled": ""}).status_code == 302
    assert not Gateway.objects.get(pk=g).enabled
    delete = reverse("carriers:gateway_delete", kwargs={"carrier_pk": c, "pk": g})
    assert admin_client.post(delete).status_code == 302
    other = CarrierFactory()
    assert (
        admin_client.get(
            reverse("carriers:gateway_edit", kwargs={"carrier_pk": other.pk, "pk": g})
        ).status_code
        == 404
    )


def test_auth_tab_shows_gateways_and_plus(admin_client, world):
    body = admin_client.get(
        reverse("carriers:carrier_auth", kwargs={"pk": world["carrier"].pk})
    ).content.decode()
    assert "203.0.113.9" in body and 'aria-label="Add IP Authentication"' in body
    cards_url = reverse("ratecards:carrier_cards", kwargs={"pk": world["carrier"].pk})
    assert f'href="{cards_url}">Rate Cards</a>' in body


def test_list_query_count_does_not_grow(admin_client, django_assert_max_num_queries):
    url = reverse("carriers:carrier_list")
    admin = AdminFactory()

    def make(n):
        for _ in range(n):
            services.gateway_create(actor=admin, carrier=CarrierFactory(), address="192.0.2.1")

    make(4)
    with CaptureQueriesContext(connection) as small:
        admin_client.get(url)
    make(12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert admin_client.get(url).status_code == 200


def test_auth_tab_query_count_does_not_grow(admin_client, world, django_assert_max_num_queries):
    admin = AdminFactory()
    carrier = world["carrier"]
    url = reverse("carriers:carrier_auth", kwargs={"pk": carrier.pk})

    def make(start, n):
        for i in range(start, start + n):
            services.gateway_create(actor=admin, carrier=carrier, address=f"198.51.100.{i}")

    make(1, 2)
    with CaptureQueriesContext(connection) as small:
        admin_client.get(url)
    make(3, 6)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert admin_client.get(url).status_code == 200
