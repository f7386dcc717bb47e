"""Routing pages through the client: permissions, the Routing tab's add flow, simulator, API tokens."""

import pytest
from django.urls import reverse

from accounts.choices import Area
from routing.models import ApiToken, IngressRoute
from tests.factories import AdminFactory
from tests.routing import factories as f
from tests.viewtests import ViewTestCases

pytestmark = pytest.mark.django_db
IP = "198.51.100.7"


@pytest.fixture
def world():
    carrier = f.carrier("Cheap")
    card = f.card(
        {"44": {"rate": "0.0200", "mcd": 30, "pulse": 6, "providers": [f.provider(carrier, "0.01", "44")]}},
        name="UK Retail",
    )
    customer = f.customer("Acme")
    f.ip_auth(customer, IP)
    return {"carrier": carrier, "card": card, "customer": customer}


class TestRoutingViews(ViewTestCases):
    area = Area.ROUTING
    other_area = Area.CUSTOMER
    read_only = {"routing:simulator", "routing:customer_routing", "routing:token_list"}

    @pytest.fixture
    def pages(self, world):
        customer = world["customer"]
        route = f.route(customer, world["card"])
        token = ApiToken.objects.create(name="t", token_hash="x" * 64, hint="cxr_abc")
        row = {"customer_pk": customer.pk, "pk": route.pk}
        return [
            ("routing:simulator", {}, "get"),
            ("routing:customer_routing", {"pk": customer.pk}, "get"),
            ("routing:ingress_route_add", {"customer_pk": customer.pk}, "get"),
            ("routing:ingress_route_edit", row, "get"),
            ("routing:ingress_route_delete", row, "get"),
            ("routing:token_list", {}, "get"),
            ("routing:token_add", {}, "get"),
            ("routing:token_revoke", {"pk": token.pk}, "get"),
        ]


def test_add_ingress_route_from_the_routing_tab(admin_client, world):
    customer = world["customer"]
    page = admin_client.get(reverse("routing:customer_routing", kwargs={"pk": customer.pk}))
    assert b"Ingress Routing" in page.content
    response = admin_client.post(
        reverse("routing:ingress_route_add", kwargs={"customer_pk": customer.pk}),
        {
            "card": world["card"].pk,
            "tech_prefix": "9#",
            "enabled": "on",
            "channels": 10,
            "cps": 5,
            "max_duration": 3600,
            "profit_assurance": "on",
            "public_notes": "hello",
            "private_notes": "",
        },
    )
    assert response.status_code == 302
    route = IngressRoute.objects.get()
    assert (route.customer, route.card, route.tech_prefix, route.channels) == (
        customer,
        world["card"],
        "9#",
        10,
    )
    page = admin_client.get(response.url)
    assert b"UK Retail" in page.content and b"9#" in page.content


@pytest.mark.parametrize(
    ("field", "value"),
    [("tech_prefix", "12a"), ("dial_prefixes", "44,x1"), ("dial_pattern", "([0-9"), ("card", "")],
)
def test_bad_route_input_names_the_field(admin_client, world, field, value):
    data = {"card": world["card"].pk, "max_duration": 3600, "channels": 0, "cps": 0, field: value}
    response = admin_client.post(
        reverse("routing:ingress_route_add", kwargs={"customer_pk": world["customer"].pk}), data
    )
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not IngressRoute.objects.exists()


def test_tech_prefix_must_be_unique_among_customers_sharing_an_ip(admin_client, world):
    other = f.customer("Bravo")
    f.ip_auth(other, "198.51.100.0/24")
    f.route(other, world["card"], tech_prefix="7")
    url = reverse("routing:ingress_route_add", kwargs={"customer_pk": world["customer"].pk})
    data = {
        "card": world["card"].pk,
        "tech_prefix": "7",
        "enabled": "on",
        "max_duration": 3600,
        "channels": 0,
        "cps": 0,
    }
    response = admin_client.post(url, data)
    assert "Bravo" in str(response.context["form"].errors["tech_prefix"])
    data["tech_prefix"] = "8"
    assert admin_client.post(url, data).status_code == 302
    # A customer on an unrelated IP may reuse it.
    third = f.customer("Charlie")
    f.ip_auth(third, "203.0.113.5")
    url = reverse("routing:ingress_route_add", kwargs={"customer_pk": third.pk})
    assert admin_client.post(url, {**data, "tech_prefix": "7"}).status_code == 302


def test_edit_and_delete_route(admin_client, world):
    route = f.route(world["customer"], world["card"])
    response = admin_client.post(
        reverse("routing:ingress_route_edit", kwargs={"customer_pk": route.customer_id, "pk": route.pk}),
        {"card": world["card"].pk, "tech_prefix": "55", "max_duration": 60, "channels": 1, "cps": 1},
    )
    assert response.status_code == 302
    route.refresh_from_db()
    assert (route.tech_prefix, route.enabled, route.max_duration) == ("55", False, 60)
    admin_client.post(
        reverse("routing:ingress_route_delete", kwargs={"customer_pk": route.customer_id, "pk": route.pk})
    )
    assert not IngressRoute.objects.exists()


def test_simulator_explains_the_decision_and_the_charge(admin_client, world):
    f.route(world["customer"], world["card"])
    page = admin_client.get(
        reverse("routing:simulator"), {"source_ip": IP, "number": "442071234567", "duration": 31}
    )
    text = page.content.decode()
    result = page.context["result"]
    assert result.decision.code == 200 and result.billed_seconds == 36
    assert str(result.sell_charge) == "0.0120"  # 36 s at 0.02/min
    assert "IP 198.51.100.7" in text and "Cheap" in text and "0.0120" in text
    assert result.carriers[0].charge == result.carriers[0].charge.quantize(result.sell_charge)


def test_simulator_shows_refusals_and_bad_input(admin_client, world):
    page = admin_client.get(
        reverse("routing:simulator"), {"source_ip": "203.0.113.1", "number": "44", "duration": 1}
    )
    assert page.context["result"].decision.code == 401 and b"IP Not Authorised" in page.content
    page = admin_client.get(
        reverse("routing:simulator"), {"source_ip": "nope", "number": "44x", "duration": -1}
    )
    assert set(page.context["form"].errors) == {"source_ip", "number", "duration"}


def test_api_token_created_once_and_revoked(admin_client):
    response = admin_client.post(reverse("routing:token_add"), {"name": "kamailio-1"})
    secret = response.context["secret"]
    assert secret.encode() in response.content
    token = ApiToken.objects.get()
    assert secret.encode() not in admin_client.get(reverse("routing:token_list")).content
    admin_client.post(reverse("routing:token_revoke", kwargs={"pk": token.pk}))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_list_query_counts_do_not_grow(admin_client, world):
    def counts(url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert admin_client.get(url).status_code == 200
        return len(ctx.captured_queries)

    customer = world["customer"]
    routes_url = reverse("routing:customer_routing", kwargs={"pk": customer.pk})
    tokens_url = reverse("routing:token_list")
    for i in range(3):
        f.route(customer, f.card(None), tech_prefix=str(i))
        ApiToken.objects.create(name=f"t{i}", token_hash=f"{i}" * 64, hint="cxr", created_by=AdminFactory())
    few = counts(routes_url), counts(tokens_url)
    for i in range(3, 9):
        f.route(customer, f.card(None), tech_prefix=str(i))
        ApiToken.objects.create(name=f"t{i}", token_hash=f"{i}" * 64, hint="cxr", created_by=AdminFactory())
    assert (counts(routes_url), counts(tokens_url)) == few
