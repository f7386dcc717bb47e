"""Real SIP calls through Kamailio, routed by the panel's API: what the switch must enforce."""

import re
import threading

import pytest

from carriers import services as carrier_services
from customers import services as customer_services
from routing import services as routing_services
from tests.helpers import wait_for

from . import sip
from .conftest import NUMBER, settle

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


def test_a_number_no_prefix_matches_gets_580(switch, world):
    result = refused(switch, world, 580, number="33123456789")

    assert result.ok, result.messages + switch.log_text()
    assert result.finals() == ["580 No Route Available"]


def test_max_duration_ends_the_call_with_a_bye_to_both_ends(switch, world):
    routing_services.ingress_route_update(
        actor=world.admin, instance=world.route, card=world.route.card, max_duration=2
    )
    settle()
    # The customer never hangs up; it fails unless a BYE from the switch arrives within 6 s.
    path = sip.scenario("uac_wait_bye", world.workdir, hold=6000)

    result = sip.run_uac(path, NUMBER, switch.port, world.workdir)

    assert result.ok, result.messages + switch.log_text()
    assert re.search(r"^BYE sip:", result.messages, re.M)
    assert wait_for(lambda: re.search(r"^BYE sip:", world.cheap.uas.received(), re.M), timeout=5)


def test_a_cps_limit_of_2_refuses_the_third_call_in_a_second(switch, world):
    routing_services.ingress_route_update(
        actor=world.admin, instance=world.route, card=world.route.card, cps=2
    )
    settle()
    # Five calls inside a fraction of a second: at most one counter reset falls among them, so
    # at most 2 + 2 pass and at least one is refused, whatever the phase of the 1 s window.
    path = sip.scenario("uac_any", world.workdir, hold=200)

    result = sip.run_uac(path, NUMBER, switch.port, world.workdir, calls=5, rate=100)

    assert result.ok, result.messages + switch.log_text()
    refusals = [f for f in result.finals() if f.startswith("503")]
    assert refusals and set(refusals) == {"503 CPS Limit Reached (route)"}
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


def test_a_wrong_sip_password_is_challenged_again(switch, world):
    customer_services.sipuser_create(
        actor=world.admin, customer=world.customer, username="alice", password=SIP_PASSWORD
    )
    settle()
    path = sip.scenario("uac_digest", world.workdir, user="alice", password="not-" + SIP_PASSWORD, hold=200)

    result = sip.run_uac(path, NUMBER, switch.port, world.workdir, ip="127.0.0.2", timeout=5)

    assert not result.ok
    # sipp gives up at the second 401 without an ACK, so the switch may retransmit it.
    assert result.finals()[:2] == ["401 IP Not Authorised", "401 Unknown User"]
    assert set(result.finals()[2:]) <= {"401 Unknown User"}
    assert world.cheap.uas.invites() == 0


def test_a_route_at_its_channel_limit_refuses_the_next_call(switch, world):
    routing_services.ingress_route_update(
        actor=world.admin, instance=world.route, card=world.route.card, channels=1
    )
    settle()
    first = {}
    holding = threading.Thread(target=lambda: first.update(result=call(switch, world, hold=4000)))
    holding.start()
    try:
        assert wait_for(lambda: world.cheap.uas.invites() == 1, timeout=10)

        second = refused(switch, world, 503)
    finally:
        holding.join(timeout=30)

    assert second.ok, second.messages + switch.log_text()
    assert second.finals() == ["503 Channel Limit Reached (route)"]
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
