"""POST /api/v1/cdr: one or a batch, idempotent by call id, rated, charged and rolled up in one go."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.test import Client

from cdr.models import CarrierCost, Cdr, CdrCallId, CdrHourly
from customers.models import LedgerEntry
from customers.selectors import customer_balance
from routing import services
from routing.engine import engine
from tests.factories import AdminFactory
from tests.routing import factories as f

pytestmark = pytest.mark.django_db
URL = "/api/v1/cdr"
IP = "198.51.100.7"
D = Decimal


@pytest.fixture(autouse=True)
def fresh_engine(settings):
    settings.ROUTING_BACKGROUND_RELOAD = False
    engine.reset()
    yield
    engine.reset()


@pytest.fixture
def token():
    _, secret = services.api_token_create(actor=AdminFactory(), name="kamailio-1")
    return secret


@pytest.fixture
def post(token):
    client = Client(enforce_csrf_checks=True)

    def send(body, *, auth=f"Bearer {token}", raw=False):
        engine.reset()
        data = body if raw else json.dumps(body)
        headers = {"HTTP_AUTHORIZATION": auth} if auth else {}
        return client.post(URL, data=data, content_type="application/json", **headers)

    return send


@pytest.fixture
def world():
    carrier = f.carrier("Cheap")
    card = f.card(
        {
            "44": {
                "rate": "0.0200",
                "connect_cost": "0.0100",
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
    return {"customer": customer, "carrier": carrier, "route": route, "card": card}


START = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)


def cdr(world, call_id="call-1", *, talk=65, **extra) -> dict:
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
        "rate": "0.0200",
        "cost": "0.01",
        "carrier_connect_cost": "0",
        "carrier_billing": {"mcd": 1, "pulse": 1},
        "start": START.isoformat(),
        "answer": answer.isoformat() if talk is not None else None,
        "end": (answer + timedelta(seconds=talk or 0)).isoformat(),
        "sip_code": 200 if talk is not None else 486,
        "sip_reason": "OK" if talk is not None else "Busy Here",
        "source_ip": IP,
    }
    item.update(extra)
    return item


def test_one_cdr_is_rated_stored_charged_and_rolled_up(post, world):
    response = post(cdr(world))
    assert response.status_code == 201, response.content
    row = Cdr.objects.get(call_id="call-1")
    # 65 s on 30/6 bills 66 s: 0.01 connect + 0.02 * 66 / 60 = 0.032 (4 places, up).
    assert (row.duration, row.billed_seconds, row.charge) == (65, 66, D("0.0320"))
    assert row.destination == "United Kingdom" and row.prefix == "44" and row.currency == "USD"
    # The carrier: 1/1 at 0.01 -> 65 s = 0.010833.. -> 0.0109 up.
    assert (row.carrier_billed_seconds, row.cost) == (65, D("0.0109"))
    charge = LedgerEntry.objects.get(customer=world["customer"], kind="charge")
    assert charge.amount == D("-0.0320")
    assert customer_balance(world["customer"]) == D("9.9680")
    line = CarrierCost.objects.get()
    assert (line.carrier_id, line.amount, line.calls) == (world["carrier"].pk, D("0.0109"), 1)
    hourly = CdrHourly.objects.get()
    assert (hourly.attempts, hourly.answered, hourly.duration, hourly.billed_seconds) == (1, 1, 65, 66)
    assert (hourly.revenue, hourly.cost, hourly.prefix) == (D("0.0320"), D("0.0109"), "44")
    assert hourly.hour == START.replace(minute=0, second=0)


def test_a_second_identical_cdr_changes_nothing(post, world):
    assert post(cdr(world)).status_code == 201
    before = (
        customer_balance(world["customer"]),
        LedgerEntry.objects.count(),
        CdrHourly.objects.get().attempts,
    )
    again = post(cdr(world))
    assert again.status_code == 409 and again.json()["field"] == "call_id"
    # Even with another start time (the call id is the identity, not the partition key).
    moved = post(cdr(world, start=(START - timedelta(seconds=1)).isoformat()))
    assert moved.status_code == 409
    after = (
        customer_balance(world["customer"]),
        LedgerEntry.objects.count(),
        CdrHourly.objects.get().attempts,
    )
    assert after == before and Cdr.objects.count() == 1 and CarrierCost.objects.count() == 1


def test_unanswered_costs_nothing_and_zero_seconds_answered_bills_the_mcd(post, world):
    busy = post(cdr(world, "busy", talk=None))
    zero = post(cdr(world, "zero", talk=0))
    assert busy.status_code == zero.status_code == 201
    missed = Cdr.objects.get(call_id="busy")
    assert (missed.billed_seconds, missed.charge, missed.cost, missed.answer) == (0, 0, 0, None)
    short = Cdr.objects.get(call_id="zero")
    # The MCD (30 s) at 0.02/min plus the connect cost: 0.01 + 0.01.
    assert (short.billed_seconds, short.charge) == (30, D("0.0200"))
    assert LedgerEntry.objects.filter(kind="charge").aggregate(s=Sum("amount"))["s"] == D("-0.0200")
    hourly = CdrHourly.objects.get()
    assert (hourly.attempts, hourly.answered) == (2, 1)


def test_bad_items_are_named_by_field_and_good_ones_kept(post, world):
    assert post(cdr(world, "replayed")).status_code == 201
    end_before = cdr(world, "b2")
    end_before["end"] = (START - timedelta(seconds=1)).isoformat()
    batch = [
        cdr(world, "good-1"),
        cdr(world, "b1", customer_id=999_999),  # unknown customer
        end_before,
        cdr(world, "b3", duration=-5),  # a negative duration
        cdr(world, "b4", rate="0.0150"),  # disagrees with the card
        cdr(world, "replayed"),  # already recorded
        cdr(world, "good-2", talk=12),
        cdr(world, "good-2", talk=12),  # repeated in the batch
        cdr(world, "b5", start="yesterday"),
        "not an object",
        cdr(world, "b6", number="44abc"),
        cdr(world, "b7", route_id=world["route"].pk + 1000),
    ]
    response = post(batch)
    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["duplicates"], body["rejected"]) == (2, 2, 8)
    fields = {r["index"]: (r["status"], r["field"]) for r in body["results"]}
    assert fields == {
        1: (400, "customer_id"),
        2: (400, "end"),
        3: (400, "duration"),
        4: (400, "rate"),
        5: (409, "call_id"),
        7: (409, "call_id"),
        8: (400, "start"),
        9: (400, "body"),
        10: (400, "number"),
        11: (400, "route_id"),
    }
    assert "0.020000" in next(r["error"] for r in body["results"] if r["field"] == "rate")
    assert set(Cdr.objects.values_list("call_id", flat=True)) == {"replayed", "good-1", "good-2"}
    charges = LedgerEntry.objects.filter(kind="charge").aggregate(s=Sum("amount"))["s"]
    assert -charges == Cdr.objects.aggregate(s=Sum("charge"))["s"]


def test_a_single_bad_cdr_gets_a_400_naming_the_field(post, world):
    response = post(cdr(world, answer=(START - timedelta(seconds=1)).isoformat()))
    assert response.status_code == 400 and response.json()["field"] == "answer"
    assert post({}).json()["field"] == "call_id"
    naive = post(cdr(world, start="2026-01-01T00:00:00"))
    assert naive.status_code == 400 and "zone" in naive.json()["error"]
    assert post(cdr(world, rate=0.02)).json()["field"] == "rate"  # a float loses digits of a price
    assert not Cdr.objects.exists() and not LedgerEntry.objects.filter(kind="charge").exists()


def test_batch_over_10_mb_is_refused_with_a_clear_error(post, world):
    item = json.dumps(cdr(world))
    body = "[" + ",".join([item] * (10 * 1024 * 1024 // len(item) + 10)) + "]"
    response = post(body, raw=True)
    assert response.status_code == 413
    assert response.json()["field"] == "body" and "10 MB" in response.json()["error"]
    assert not Cdr.objects.exists()


def test_auth_and_shape(post, world):
    assert post(cdr(world), auth="Bearer nope").status_code == 401
    assert post(cdr(world), auth=None).status_code == 401
    assert post(b"{nope", raw=True).json()["field"] == "body"
    assert post([]).status_code == 400
    assert Client().get(URL).status_code == 405
    assert not CdrCallId.objects.exists()


def test_epoch_seconds_and_unix_times_are_accepted(post, world):
    item = cdr(world, "epoch")
    item["start"] = START.timestamp()
    item["answer"] = START.timestamp() + 2.5
    item["end"] = START.timestamp() + 33.7
    assert post(item).status_code == 201
    row = Cdr.objects.get(call_id="epoch")
    assert row.duration == 32 and row.billed_seconds == 36  # 31.2 s full-up = 32, on 30/6 = 36


def test_rollups_stay_in_step_with_the_raw_rows(post, world):
    other = f.carrier("Other")
    batch = [
        cdr(
            world,
            f"c{i}",
            talk=(i * 7) % 90 if i % 3 else None,
            carrier_id=(other.pk if i % 2 else None) or world["carrier"].pk,
        )
        for i in range(40)
    ]
    assert post(batch).json()["created"] == 40
    assert post([*batch[:10], cdr(world, "c40", talk=3)]).json()["created"] == 1
    raw = Cdr.objects.aggregate(a=Sum("charge"), c=Sum("cost"), b=Sum("billed_seconds"))
    rolled = CdrHourly.objects.aggregate(a=Sum("revenue"), c=Sum("cost"), b=Sum("billed_seconds"))
    assert raw == rolled
    assert CdrHourly.objects.aggregate(n=Sum("attempts"))["n"] == 41
    assert CarrierCost.objects.aggregate(s=Sum("amount"))["s"] == raw["c"]


def test_route_answer_carries_carrier_cost_per_item_and_credit_capped_max_duration(token, world):
    # 10.00 of credit at 0.02/min is 500 minutes: more than the route's 7200 s.
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = json.dumps({"source_ip": IP, "number": "442071234567"})
    answer = client.post("/api/v1/route", data=body, content_type="application/json", **headers).json()
    item = answer["routing"]["routes"][0]["carrier"]
    assert item["id"] == world["carrier"].pk and item["cost"] == "0.01" and item["prefix"] == "44"
    assert item["billing"] == {"mcd": 1, "pulse": 1} and item["connect_cost"] == "0"
    assert answer["limits"]["route"]["max_duration"] == 7200
    LedgerEntry.objects.create(customer=world["customer"], kind="charge", amount=D("-9.95"), currency="USD")
    engine.reset()
    answer = client.post("/api/v1/route", data=body, content_type="application/json", **headers).json()
    # 0.05 left, minus the 0.01 connect cost, at 0.02/min: 120 s, on 30/6 billing.
    assert answer["limits"]["route"]["max_duration"] == 120


@pytest.mark.parametrize(
    ("method", "seconds", "billed"), [("up", 61, 66), ("half_down", 60, 60), ("down", 60, 60)]
)
def test_the_cards_duration_rounding_applies_before_billing(post, world, method, seconds, billed):
    type(world["card"]).objects.filter(pk=world["card"].pk).update(duration_rounding=method)
    assert post(cdr(world, "r", talk=61, duration="60.5")).status_code == 201
    row = Cdr.objects.get(call_id="r")
    assert (row.duration, row.billed_seconds) == (seconds, billed)


def test_the_callers_number_is_kept_and_checked(post, world):
    assert post(cdr(world, "with-cli", cli="+442071230000")).status_code == 201
    assert Cdr.objects.get(call_id="with-cli").cli == "+442071230000"
    assert post(cdr(world, "no-cli")).status_code == 201 and Cdr.objects.get(call_id="no-cli").cli == ""
    for bad in ("1" * 65, "alice <sip:x>", 442071230000):
        answer = post(cdr(world, "bad-cli", cli=bad))
        assert answer.status_code == 400 and answer.json()["field"] == "cli", bad
    assert not Cdr.objects.filter(call_id="bad-cli").exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"customer_id": True}, "customer_id"),
        ({"route_id": "7"}, "route_id"),
        ({"sip_code": 99}, "sip_code"),
        ({"call_id": "x" * 256}, "call_id"),
        ({"call_id": None}, "call_id"),
        ({"cost": 0.01}, "cost"),
        ({"carrier_billing": {"mcd": 1, "pulse": 0}}, "carrier_billing"),
        ({"tried": [{"code": 42}]}, "tried"),
        ({"source_ip": 7}, "source_ip"),
        ({"gateway": "a\x00b"}, "gateway"),
        ({"duration": [1]}, "duration"),
    ],
)
def test_a_misshapen_item_among_good_ones_is_named_by_its_field(post, world, extra, field):
    bad = cdr(world, "bad")
    bad.update(extra)
    response = post([cdr(world, "ok-1"), bad, cdr(world, "ok-2")])
    body = response.json()
    assert (body["created"], body["rejected"]) == (2, 1)
    assert [(r["index"], r["field"]) for r in body["results"]] == [(1, field)]


def test_text_that_copy_must_escape_is_stored_as_sent(post, world):
    # COPY's text format gives backslash, tab, CR and LF a meaning: a call holding one is escaped,
    # the others (most calls) go as they are; both kinds in one batch, each stored exactly.
    odd = cdr(
        world,
        "odd\\id\t1",
        gateway="gw\\1:5060",
        sip_reason="Busy\tHere\r\nreally",
        sip_user="a\\b",
        tried=[{"carrier_id": world["carrier"].pk, "gateway": "x\\y\tz:5060", "code": 503}],
    )
    plain = cdr(world, "plain-1", sip_reason="OK", sip_user="alice")
    response = post([odd, plain])
    assert response.json()["created"] == 2, response.content
    stored = Cdr.objects.get(call_id="odd\\id\t1")
    assert (stored.gateway, stored.sip_reason, stored.sip_user) == (
        "gw\\1:5060",
        "Busy\tHere\r\nreally",
        "a\\b",
    )
    assert stored.tried[0]["gateway"] == "x\\y\tz:5060"
    assert Cdr.objects.get(call_id="plain-1").sip_user == "alice"
    assert post(odd).status_code == 409  # the escaped call id is the one recorded
