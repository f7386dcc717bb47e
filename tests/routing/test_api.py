"""POST /api/v1/route: token auth, bad input named by field, the decision and its rtjson block."""

import json

import pytest
from django.test import Client

from routing import services
from routing.engine import engine
from tests.factories import AdminFactory
from tests.routing import factories as f

pytestmark = pytest.mark.django_db
URL = "/api/v1/route"
IP = "198.51.100.7"


@pytest.fixture
def token():
    _, secret = services.api_token_create(actor=AdminFactory(), name="kamailio-1")
    return secret


@pytest.fixture
def api(token):
    # CSRF checks on, no session: the API must not need either.
    client = Client(enforce_csrf_checks=True)

    def post(body, *, auth=f"Bearer {token}", raw=False):
        engine.reset()
        data = body if raw else json.dumps(body)
        headers = {"HTTP_AUTHORIZATION": auth} if auth else {}
        return client.post(URL, data=data, content_type="application/json", **headers)

    return post


@pytest.fixture
def world():
    carrier = f.carrier("Cheap", gateways=("192.0.2.1", "2001:db8::1"))
    card = f.card(
        {"44": {"rate": "0.0200", "mcd": 30, "pulse": 6, "providers": [f.provider(carrier, "0.01", "44")]}}
    )
    customer = f.customer("Acme")
    f.ip_auth(customer, IP)
    f.route(customer, card, tech_prefix="9#", max_duration=3600)
    return carrier


def test_route_answer_with_rtjson(api, world):
    response = api({"source_ip": IP, "source_port": 5060, "number": "9#442071234567"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == 200 and body["customer"]["name"] == "Acme"
    assert body["number"] == "442071234567" and body["prefix"] == "44" and body["rate"] == "0.020000"
    assert body["billing"] == {"mcd": 30, "pulse": 6} and body["route"]["max_duration"] == 3600
    assert body["carriers"][0]["cost"] == "0.01"
    routes = body["routing"]["routes"]
    assert body["routing"]["version"] == "1.0" and body["routing"]["routing"] == "serial"
    assert routes[0]["uri"] == "sip:442071234567@192.0.2.1:5060"
    assert routes[0]["dst_uri"] == "sip:192.0.2.1:5060;transport=udp"
    assert routes[1]["dst_uri"] == "sip:[2001:db8::1]:5060;transport=udp"
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies


def test_refusal_is_a_normal_answer_with_the_sip_code(api, world):
    body = api({"source_ip": "203.0.113.9", "number": "442071234567"}).json()
    assert body["code"] == 401 and body["routing"] is None
    body = api({"source_ip": IP, "number": "9#3312345"}).json()
    assert body["code"] == 580


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("{not json", "body"),
        ("[1, 2]", "body"),
        ('"text"', "body"),
        ("", "body"),
        (json.dumps({"source_ip": IP}), "number"),
        (json.dumps({"source_ip": IP, "number": ""}), "number"),
        (json.dumps({"source_ip": IP, "number": "44abc"}), "number"),
        (json.dumps({"source_ip": IP, "number": 442071234567}), "number"),
        (json.dumps({"source_ip": IP, "number": "1" * 21}), "number"),
        (json.dumps({"number": "4420"}), "source_ip"),
        (json.dumps({"source_ip": "999.1.1.1", "number": "4420"}), "source_ip"),
        (json.dumps({"source_ip": "10.0.0.0/8", "number": "4420"}), "source_ip"),
        (json.dumps({"source_ip": ["x"], "number": "4420"}), "source_ip"),
        (json.dumps({"source_ip": IP, "number": "4420", "source_port": 70000}), "source_port"),
        (json.dumps({"source_ip": IP, "number": "4420", "source_port": "5060"}), "source_port"),
        (json.dumps({"number": "4420", "username": 5}), "username"),
        (b"\xff\xfe", "body"),
        (b"[" * 100_000 + b"]" * 100_000, "body"),
        (b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "body"),
        (json.dumps({"source_ip": 3325256711, "number": "4420"}), "source_ip"),  # 198.51.100.7 as a number
        (json.dumps({"source_ip": 1.5, "number": "4420"}), "source_ip"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, world, body, field):
    response = api(body, raw=True)
    assert response.status_code == 400
    assert response.json()["field"] == field and response.json()["error"]


def test_twenty_digits_are_fine(api, world):
    assert api({"source_ip": IP, "number": "9#" + "4" * 20}).json()["code"] == 200


@pytest.mark.parametrize("auth", [None, "Bearer", "Bearer nope", "Basic abc", "cxr_raw"])
def test_missing_or_unknown_token_is_401(api, world, auth):
    response = api({"source_ip": IP, "number": "4420"}, auth=auth)
    assert response.status_code == 401 and response.json()["field"] == "Authorization"


def test_revoked_token_is_401(api, world, token):
    assert api({"source_ip": IP, "number": "9#4420"}).status_code == 200
    from routing.models import ApiToken

    services.api_token_revoke(actor=AdminFactory(), instance=ApiToken.objects.get())
    assert api({"source_ip": IP, "number": "9#4420"}).status_code == 401


def test_token_is_stored_hashed(token):
    from routing.models import ApiToken

    stored = ApiToken.objects.get()
    assert stored.token_hash == services.hash_token(token) and token not in {stored.token_hash, stored.hint}
    assert token.startswith(stored.hint)


def test_get_is_405(client, token):
    response = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 405 and response.json()["field"] == "method"


def test_tech_prefix_does_not_count_towards_the_twenty_digits(api, world):
    assert api({"source_ip": IP, "number": "9#" + "4" * 21}, raw=False).status_code == 400
