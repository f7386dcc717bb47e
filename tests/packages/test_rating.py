"""Free minutes wired into rating: a CDR posted to /api/v1/cdr uses the customer's free minutes first."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client

from cdr.models import Cdr
from customers.selectors import customer_balance
from packages.models import FreeMinutesUsage
from packages.services import customer_package_assign
from routing import services
from routing.engine import engine
from tests.factories import AdminFactory, PackageFactory
from tests.routing import factories as f

pytestmark = pytest.mark.django_db
IP = "198.51.100.7"
START = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)


@pytest.fixture(autouse=True)
def fresh_engine(settings):
    settings.ROUTING_BACKGROUND_RELOAD = False
    engine.reset()
    yield
    engine.reset()


@pytest.fixture
def world():
    carrier = f.carrier("Cheap")
    card = f.card(
        {
            "44": {
                "rate": "0.0600",
                "connect_cost": "0",
                "mcd": 30,
                "pulse": 6,
                "name": "United Kingdom",
                "providers": [f.provider(carrier, "0.01", "44")],
            }
        }
    )
    customer = f.customer("Acme", balance="10")
    f.ip_auth(customer, IP)
    route = f.route(customer, card)
    package = PackageFactory(type="free_minutes", destinations="^44", free_minutes=1, retail="0")
    customer_package_assign(
        actor=AdminFactory(), customer=customer, package=package, start_date=START.date() - timedelta(days=1)
    )
    _, secret = services.api_token_create(actor=AdminFactory(), name="kamailio-1")
    return {"customer": customer, "carrier": carrier, "route": route, "token": secret}


def post_cdr(world, call_id: str, talk: int):
    answer = START + timedelta(seconds=5)
    item = {
        "call_id": call_id,
        "customer_id": world["customer"].pk,
        "route_id": world["route"].pk,
        "carrier_id": world["carrier"].pk,
        "gateway": "192.0.2.10:5060",
        "tried": [{"carrier_id": world["carrier"].pk, "gateway": "192.0.2.10:5060", "code": 200}],
        "number": "442071234567",
        "prefix": "44",
        "rate": "0.0600",
        "cost": "0.01",
        "carrier_connect_cost": "0",
        "carrier_billing": {"mcd": 1, "pulse": 1},
        "start": START.isoformat(),
        "answer": answer.isoformat(),
        "end": (answer + timedelta(seconds=talk)).isoformat(),
        "sip_code": 200,
        "sip_reason": "OK",
        "source_ip": IP,
    }
    engine.reset()
    return Client().post(
        "/api/v1/cdr",
        data=json.dumps(item),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {world['token']}",
    )


def test_free_minutes_first_then_the_cards_rate_and_a_replay_spends_nothing(world):
    # 40 s on 30/6 bills 42 s: all free.
    assert post_cdr(world, "c1", 40).status_code == 201
    assert Cdr.objects.get(call_id="c1").charge == Decimal("0")
    # 65 s bills 66 s: 18 s are left free, 48 s paid at 0.06/min = 0.048.
    assert post_cdr(world, "c2", 65).status_code == 201
    assert Cdr.objects.get(call_id="c2").charge == Decimal("0.0480")
    assert customer_balance(world["customer"]) == Decimal("9.9520")
    # The same CDR again is refused as a duplicate and spends no minute.
    assert post_cdr(world, "c2", 65).status_code == 409
    assert FreeMinutesUsage.objects.get().seconds_used == 60
    assert post_cdr(world, "c3", 10).status_code == 201  # 30 s MCD, nothing free left: 0.03
    assert Cdr.objects.get(call_id="c3").charge == Decimal("0.0300")
