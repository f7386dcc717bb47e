"""Real SIP calls through Kamailio, routed by the panel's API: what the switch must enforce."""

import re
import threading
from decimal import Decimal

import pytest

from carriers import services as carrier_services
from customers import services as customer_services
from ratecards import services as card_services
from routing import services as routing_services
from tests.helpers import wait_for

from . import sip
from .conftest import NUMBER, build, settle, start_switch

SIP_PASSWORD = "Corr3ct-Horse-Battery"

pytestmark = pytest.mark.django_db(transaction=True)


def call(switch, world, number=NUMBER, *, hold=200, **kw):
    path = sip.scenario("uac_call", world.workdir, hold=hold)
    return sip.run_uac(path, number, switch.port, world.workdir, **kw)


def refused(switch, world, code, number=NUMBER, **kw):
    path = sip.scenario("uac_refused", world.workdir, expect=code)
    return sip.run_uac(path, number, switch.port, world.workdir, **kw)


def test_a_call_completes_through_the_cheapest_carrier(switch, world):
    result = call(switch, world)

    assert result.ok, result.messages + switch.log_text()
    assert result.finals() == ["200 OK", "200 OK"]  # the INVITE's, then the BYE's
    assert wait_for(lambda: world.cheap.uas.invites() == 1, timeout=5)
    assert world.dear.uas.invites() == 0
    # The BYE crossed the switch too, and nothing internal reached the carrier.
    assert wait_for(lambda: re.search(r"^BYE sip:", world.cheap.uas.received(), re.M), timeout=5)
    assert "X-Connexcs" not in world.cheap.uas.received()


@pytest.mark.parametrize("carrier_answers", [{"cheap": "uas_refuse", "dear": "uas_answer"}])
def test_a_503_from_the_cheapest_carrier_fails_over_to_the_next(switch, world):
    result = call(switch, world)

    assert result.ok, result.messages + switch.log_text()
    assert wait_for(lambda: (world.cheap.uas.invites(), world.dear.uas.invites()) == (1, 1), timeout=5)


@pytest.mark.parametrize("carrier_answers", [{"cheap": "uas_silent", "dear": "uas_answer"}])
def test_a_carrier_that_does_not_answer_in_its_first_reply_timeout_fails_over(switch, world):
    carrier_services.carrier_update(actor=world.admin, instance=world.cheap.carrier, first_reply_timeout=1)
    settle()

    result = call(switch, world)

    assert result.ok, result.messages + switch.log_text()
    assert wait_for(lambda: world.dear.uas.invites() == 1, timeout=5)
    assert world.cheap.uas.invites() >= 1  # the INVITE and Kamailio's retransmissions


def test_an_unknown_caller_gets_401_ip_not_authorised_with_a_digest_challenge(switch, world):
    result = refused(switch, world, 401, ip="127.0.0.2")

    assert result.ok, result.messages + switch.log_text()
    assert result.finals() == ["401 IP Not Authorised"]
    assert re.search(r'^WWW-Authenticate: Digest realm="[^"]+", nonce="', result.messages, re.M)
    assert world.cheap.uas.invites() == 0


def test_an_out_of_balance_customer_is_refused(switch, world):
    # The only top-up is refunded: balance 0, no debit limit.
    customer_services.payment_set_status(
        actor=world.admin, instance=world.customer.payments.get(), status="refunded"
    )
    settle()

    result = refused(switch, world, 403)

    assert result.ok, result.messages + switch.log_text()
    assert result.finals() == ["403 Out of balance"]
    assert world.cheap.uas.invites() == 0


def assert_refused(switch, world, final, number=NUMBER):
    result = refused(switch, world, int(final[:3]), number=number)
    assert result.ok, result.messages + switch.log_text()
    assert result.finals() == [final]


def test_refusals_carry_the_codes_and_reasons_of_the_error_codes_table(switch, world):
    """routing.md's Error Codes table, as the caller receives it through the switch."""
    assert_refused(switch, world, "580 No Route Available", number="33123456789")  # no prefix for 33
    assert_refused(switch, world, "404 Not Found", number="44*1")  # not a number
    routing_services.ingress_route_update(
        actor=world.admin, instance=world.route, card=world.card, dial_prefixes="4420"
    )
    settle()
    assert_refused(switch, world, "503 Blocked by Dial plan", number="441134960000")
    # The route moves to a card that sells for less than both carriers cost.
    loss = card_services.customer_card_create(
        actor=world.admin, name="Loss", currency="USD", providers=list(world.card.ordered_providers())
    )
    card_services.profit_rule_create(
        actor=world.admin,
        card=loss,
        prefix="",
        name="Below cost",
        profit_type="absolute",
        value=Decimal("0.005"),
        apply_to="cost",
        billing="",
        precision=None,
        connect_cost=None,
        status="profit",
    )
    build(world.admin, loss)
    routing_services.ingress_route_update(actor=world.admin, instance=world.route, card=loss)
    settle()
    assert_refused(switch, world, "503 No Routes Available (Profit Assurance)")
    customer_services.customer_update(actor=world.admin, instance=world.customer, status="inactive")
    settle()
    assert_refused(switch, world, "500 Server not accepting calls (Paused)")

    assert world.cheap.uas.invites() + world.dear.uas.invites() == 0


def test_a_switch_whose_api_does_not_answer_refuses_with_500(tmp_path):
    nothing_listens = f"http://127.0.0.1:{sip.free_port(sip.socket.SOCK_STREAM)}/api/v1/route"
    proc, switch = start_switch(nothing_listens, "cxr_unused", tmp_path, api_timeout_ms=500)
    try:
        path = sip.scenario("uac_refused", tmp_path, expect=500)
        result = sip.run_uac(path, NUMBER, switch.port, tmp_path)
    finally:
        sip.stop(proc)

    assert result.ok, result.messages + switch.log_text()
    assert result.finals() == ["500 Unidentified Internal Switch"]


def test_max_duration_ends_the_call_with_a_bye_to_both_ends(switch, world):
    routing_services.ingress_route_update(
        actor=world.admin, instance=world.route, card=world.route.card, max_duration=2
    )
    settle()
    # The customer never hangs up; it fails unless the switch's BYE arrives within 4 s of the
    # answer (Max Duration 2 s, plus the dialog module's 1 s timer tick and a busy machine's delay).
    path = sip.scenario("uac_wait_bye", world.workdir, hold=4000)

    result = sip.run_uac(path, NUMBER, switch.port, world.workdir)

    assert result.ok, result.messages + switch.log_text()
    assert re.search(r"^BYE sip:", result.messages, re.M)
    assert wait_for(lambda: re.search(r"^BYE sip:", world.cheap.uas.received(), re.M), timeout=5)


def set_limit(world, kind, **limit):
    """A customer's, its IP authentication's or its ingress route's channels or CPS, set in the panel."""
    admin = world.admin
    if kind == "customer":
        customer_services.customer_update(actor=admin, instance=world.customer, **limit)
    elif kind == "ipauth":
        customer_services.ipauth_update(actor=admin, instance=world.customer.ip_auths.get(), **limit)
    else:
        routing_services.ingress_route_update(actor=admin, instance=world.route, card=world.card, **limit)
    settle()


@pytest.mark.parametrize("kind", ["customer", "ipauth", "route"])
def test_a_cps_limit_of_2_refuses_the_third_call_in_a_second(switch, world, kind):
    set_limit(world, kind, cps=2)
    # Five calls inside a fraction of a second: at most one counter reset falls among them, so
    # at most 2 + 2 pass and at least one is refused, whatever the phase of the 1 s window.
    path = sip.scenario("uac_any", world.workdir, hold=200)

    result = sip.run_uac(path, NUMBER, switch.port, world.workdir, calls=5, rate=100)

    assert result.ok, result.messages + switch.log_text()
    refusals = [f for f in result.finals() if f.startswith("503")]
    assert refusals and set(refusals) == {f"503 CPS Limit Reached ({kind})"}
    assert wait_for(lambda: world.cheap.uas.invites() + len(refusals) == 5, timeout=5)
    assert 2 <= world.cheap.uas.invites() <= 4


def test_a_change_in_the_panel_is_obeyed_by_the_next_call(switch, world):
    assert call(switch, world).ok
    carrier_services.carrier_update(
        actor=world.admin,
        instance=world.cheap.carrier,
        name=world.cheap.carrier.name,
        currency="USD",
        status="inactive",
    )
    settle()

    result = call(switch, world)

    assert result.ok, result.messages + switch.log_text()
    assert wait_for(lambda: (world.cheap.uas.invites(), world.dear.uas.invites()) == (1, 1), timeout=5)


def test_a_sip_user_answers_the_challenge_with_the_password_the_panel_stores(switch, world):
    customer_services.sipuser_create(
        actor=world.admin, customer=world.customer, username="alice", password=SIP_PASSWORD
    )
    settle()
    path = sip.scenario("uac_digest", world.workdir, user="alice", password=SIP_PASSWORD, hold=200)

    result = sip.run_uac(path, NUMBER, switch.port, world.workdir, ip="127.0.0.2")

    assert result.ok, result.messages + switch.log_text()
    assert result.finals() == ["401 IP Not Authorised", "200 OK", "200 OK"]
    assert wait_for(lambda: world.cheap.uas.invites() == 1, timeout=5)
    # The credentials stop at the switch.
    assert "Authorization:" not in world.cheap.uas.received()


@pytest.mark.parametrize(
    ("username", "password"), [("alice", "not-" + SIP_PASSWORD), ("mallory", SIP_PASSWORD)]
)
def test_a_wrong_password_or_an_unknown_sip_user_gets_503_unknown_user(switch, world, username, password):
    customer_services.sipuser_create(
        actor=world.admin, customer=world.customer, username="alice", password=SIP_PASSWORD
    )
    settle()
    path = sip.scenario("uac_digest", world.workdir, user=username, password=password, hold=200)

    result = sip.run_uac(path, NUMBER, switch.port, world.workdir, ip="127.0.0.2", timeout=5)

    assert not result.ok  # the scenario expects a call; the switch refuses it
    # sipp gives up at the 503 without an ACK, so the switch may retransmit it.
    assert result.finals()[:2] == ["401 IP Not Authorised", "503 Unknown User"]
    assert set(result.finals()[2:]) <= {"503 Unknown User"}
    assert world.cheap.uas.invites() == 0


@pytest.mark.parametrize("kind", ["customer", "ipauth", "route"])
def test_a_channel_limit_of_1_refuses_a_second_call_while_the_first_lasts(switch, world, kind):
    set_limit(world, kind, channels=1)
    first = {}
    holding = threading.Thread(target=lambda: first.update(result=call(switch, world, hold=4000)))
    holding.start()
    try:
        assert wait_for(lambda: world.cheap.uas.invites() == 1, timeout=10)

        second = refused(switch, world, 503)
    finally:
        holding.join(timeout=30)

    assert second.ok, second.messages + switch.log_text()
    assert second.finals() == [f"503 Channel Limit Reached ({kind})"]
    assert first["result"].ok
    assert world.cheap.uas.invites() == 1


def test_a_carrier_over_its_cps_is_skipped_for_the_next_one(switch, world):
    carrier_services.carrier_update(
        actor=world.admin, instance=world.cheap.carrier, name=world.cheap.carrier.name, currency="USD", cps=1
    )
    settle()
    path = sip.scenario("uac_call", world.workdir, hold=200)

    # Three calls in a few ms span at most two of the 1 s windows: the cheap carrier takes one
    # call per window, the next carrier the rest, and every call completes.
    result = sip.run_uac(path, NUMBER, switch.port, world.workdir, calls=3, rate=100)

    assert result.ok, result.messages + switch.log_text()
    assert wait_for(lambda: world.cheap.uas.invites() + world.dear.uas.invites() == 3, timeout=5)
    assert 1 <= world.cheap.uas.invites() <= 2


def test_a_carrier_at_its_channel_limit_is_skipped_for_the_next_one(switch, world):
    carrier_services.carrier_update(actor=world.admin, instance=world.cheap.carrier, channels=1)
    settle()
    first = {}
    holding = threading.Thread(target=lambda: first.update(result=call(switch, world, hold=4000)))
    holding.start()
    try:
        assert wait_for(lambda: world.cheap.uas.invites() == 1, timeout=10)

        second = call(switch, world)
    finally:
        holding.join(timeout=30)

    assert second.ok, second.messages + switch.log_text()
    assert first["result"].ok
    assert (world.cheap.uas.invites(), world.dear.uas.invites()) == (1, 1)
