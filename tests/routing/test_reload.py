"""A published change reaches the engine of a running process, off the hot path, within moments."""

import threading
from decimal import Decimal

import pytest

from carriers import services as carrier_services
from customers import services as customer_services
from ratecards import services as card_services
from routing import services as routing_services
from routing.engine import Engine
from tests.factories import AdminFactory
from tests.helpers import wait_for
from tests.ratecards.factories import make_provider_card, publish_rows

pytestmark = pytest.mark.django_db(transaction=True)
IP = "198.51.100.7"


def with_gateway(admin, provider_card, address):
    carrier_services.gateway_create(actor=admin, carrier=provider_card.carrier, address=address)
    return provider_card


def build(admin, card):
    job = card_services.build_job_create(actor=admin, card=card, run=False)
    card_services.build_run(job_id=job.pk)


def test_built_card_routes_and_a_republish_is_seen_by_a_background_reload():
    admin = AdminFactory()
    cheap = make_provider_card([("44", "0.010"), ("447", "0.020")], actor=admin, name="Cheap deck")
    dear = make_provider_card([("4477", "0.030")], actor=admin, name="Dear deck")
    with_gateway(admin, cheap, "192.0.2.1")
    with_gateway(admin, dear, "192.0.2.2")
    card = card_services.customer_card_create(
        actor=admin, name="Retail", currency="USD", providers=[cheap, dear]
    )
    card_services.profit_rule_create(
        actor=admin,
        card=card,
        prefix="",
        name="Default",
        profit_type="relative",
        value=Decimal("0.01"),
        apply_to="cost",
        billing="",
        precision=None,
        connect_cost=None,
        status="profit",
    )
    build(admin, card)
    customer = customer_services.customer_create(
        actor=admin, name="Acme", currency="USD", debit_limit=Decimal(5)
    )
    customer_services.ipauth_create(actor=admin, customer=customer, address=IP)
    routing_services.ingress_route_create(actor=admin, customer=customer, card=card)

    engine = Engine(background=True, check_interval=0.05)
    d = engine.route(source_ip=IP, number="447712345678")
    assert d.code == 200 and d.prefix == "4477"
    # The Cheap deck prices only 447, yet competes for 4477 and is the cheapest.
    assert [(c.carrier.id, c.prefix) for c in d.carriers] == [
        (cheap.carrier_id, "447"),
        (dear.carrier_id, "4477"),
    ]
    before = d.row.rate

    publish_rows(cheap, [("44", "0.010"), ("447", "0.001")], actor=admin)
    build(admin, card)
    serving = threading.current_thread()

    def new_rate():
        decision = engine.route(source_ip=IP, number="447712345678")
        return decision.row.rate if decision.row.rate != before else None

    assert wait_for(new_rate, timeout=10) == Decimal("0.011")
    assert serving is threading.current_thread()


def test_a_payment_lifts_the_balance_cut_off():
    admin = AdminFactory()
    cheap = with_gateway(admin, make_provider_card([("1", "0.001")], actor=admin), "192.0.2.1")
    card = card_services.customer_card_create(actor=admin, name="US", currency="USD", providers=[cheap])
    card_services.profit_rule_create(
        actor=admin,
        card=card,
        prefix="",
        name="Default",
        profit_type="relative",
        value=Decimal("0.01"),
        apply_to="cost",
        billing="",
        precision=None,
        connect_cost=None,
        status="profit",
    )
    build(admin, card)
    customer = customer_services.customer_create(actor=admin, name="Prepaid", currency="USD")
    customer_services.ipauth_create(actor=admin, customer=customer, address=IP)
    routing_services.ingress_route_create(actor=admin, customer=customer, card=card)
    engine = Engine(background=False, check_interval=0.05)
    assert engine.route(source_ip=IP, number="12125550100").code == 403
    customer_services.payment_create(
        actor=admin, customer=customer, description="Top-up", amount=Decimal("10"), status="complete"
    )
    assert wait_for(lambda: engine.route(source_ip=IP, number="12125550100").code == 200, timeout=10)


def test_revoked_token_is_refused_by_a_running_engine():
    admin = AdminFactory()
    token, secret = routing_services.api_token_create(actor=admin, name="k")
    engine = Engine(background=True, check_interval=0.05)
    hashed = routing_services.hash_token(secret)
    assert engine.token_valid(hashed)
    routing_services.api_token_revoke(actor=admin, instance=token)
    assert wait_for(lambda: not engine.token_valid(hashed), timeout=10)
