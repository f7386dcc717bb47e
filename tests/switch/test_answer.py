"""What the route answer gives the switch to enforce: limits per customer, IP auth, route and
carrier, a SIP user's HA1 to check the digest against, and nothing internal for the carriers."""

import json

import pytest
from django.test import Client

from routing import services
from routing.engine import engine
from tests.factories import AdminFactory
from tests.routing import factories as f

pytestmark = pytest.mark.django_db
IP = "198.51.100.7"


@pytest.fixture
def ask(settings):
    settings.ROUTING_BACKGROUND_RELOAD = False
    _, secret = services.api_token_create(actor=AdminFactory(), name="switch")
    client = Client()

    def post(body):
        engine.reset()
        response = client.post(
            "/api/v1/route",
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )
        assert response.status_code == 200
        return response.json()

    yield post
    engine.reset()


@pytest.fixture
def world():
    carrier = f.carrier("Cheap", gateways=("192.0.2.1",))
    carrier.channels, carrier.cps, carrier.first_reply_timeout = 30, 5, 2
    carrier.save()
    card = f.card({"44": {"rate": "0.02", "providers": [f.provider(carrier, "0.01", "44")]}})
    customer = f.customer("Acme")
    customer.channels, customer.cps = 100, 10
    customer.save()
    auth = f.ip_auth(customer, IP)
    auth.channels, auth.cps = 20, 4
    auth.save()
    route = f.route(customer, card, channels=7, cps=3, max_duration=600)
    return {"carrier": carrier, "customer": customer, "auth": auth, "route": route}


def test_the_answer_carries_every_limit_and_the_carrier_timeouts(ask, world):
    body = ask({"source_ip": IP, "number": "442071234567"})

    assert body["code"] == 200
    assert body["limits"] == {
        "customer": {"id": world["customer"].pk, "channels": 100, "cps": 10},
        "ipauth": {"id": world["auth"].pk, "channels": 20, "cps": 4},
        "route": {"id": world["route"].pk, "channels": 7, "cps": 3, "max_duration": 600},
    }
    route = body["routing"]["routes"][0]
    assert route["carrier"] == {
        "id": world["carrier"].pk,
        "channels": 30,
        "cps": 5,
        # What the CDR sends back: the carrier's cost as routed.
        "prefix": "44",
        "cost": "0.01",
        "connect_cost": "0",
        "billing": {"mcd": 1, "pulse": 1},
    }
    assert route["fr_timer"] == 2000


def test_nothing_internal_is_put_in_what_goes_to_the_carrier(ask, world):
    body = ask({"source_ip": IP, "number": "442071234567"})

    for route in body["routing"]["routes"]:
        assert "headers" not in route
    assert "X-Connexcs" not in json.dumps(body)


def test_a_sip_user_answer_carries_its_ha1_and_an_ip_answer_none(ask, world):
    f.sip_user(world["customer"], "alice")

    by_user = ask({"username": "alice", "number": "442071234567"})
    by_ip = ask({"source_ip": IP, "number": "442071234567"})

    assert by_user["sip_user"] == {"ha1": "0" * 32}
    assert "ipauth" not in by_user["limits"]
    assert "sip_user" not in by_ip


def test_a_refusal_has_no_limits(ask, world):
    body = ask({"source_ip": "203.0.113.9", "number": "442071234567"})

    assert body["code"] == 401 and body["reason"] == "IP Not Authorised"
    assert "limits" not in body
