"""The routing engine end to end over real rows: every refusal code and the choices it makes."""

from decimal import Decimal

import pytest

from customers import services as customer_services
from routing import engine as eng
from routing.engine import route
from tests.factories import AdminFactory
from tests.routing import factories as f

pytestmark = pytest.mark.django_db
IP = "198.51.100.7"


@pytest.fixture
def world():
    """A customer on IP, a card with 44 / 447 / 4477, two carriers."""
    cheap = f.carrier("Cheap", gateways=("192.0.2.1", "192.0.2.2"))
    dear = f.carrier("Dear", gateways=("192.0.2.9",))
    card = f.card(
        {
            "44": {"rate": "0.0200", "providers": [f.provider(cheap, "0.010", "44")]},
            "447": {
                "rate": "0.0500",
                "mcd": 30,
                "pulse": 6,
                "providers": [f.provider(dear, "0.040", "447"), f.provider(cheap, "0.030", "447")],
            },
            "4477": {
                # Cheap only prices 447, yet competes here (the build put its longest match in).
                "rate": "0.0600",
                "providers": [f.provider(dear, "0.045", "4477"), f.provider(cheap, "0.030", "447")],
            },
        },
        name="UK",
    )
    customer = f.customer("Acme")
    f.ip_auth(customer, IP)
    r = f.route(customer, card)
    return {"customer": customer, "card": card, "route": r, "cheap": cheap, "dear": dear}


def test_longest_prefix_price_and_carriers_cheapest_first(world):
    d = route(source_ip=IP, number="447012345678")
    assert d.code == 200 and d.customer.name == "Acme" and d.route.id == world["route"].pk
    assert d.prefix == "447" and d.row.rate == Decimal("0.05") and (d.row.mcd, d.row.pulse) == (30, 6)
    assert [c.carrier.name for c in d.carriers] == ["Cheap", "Dear"]
    assert [g.host for g in d.carriers[0].carrier.gateways] == ["192.0.2.1", "192.0.2.2"]  # by weight


def test_a_shorter_provider_prefix_still_competes(world):
    d = route(source_ip=IP, number="447712345678")
    assert d.prefix == "4477"
    assert [(c.carrier.name, c.prefix, c.cost) for c in d.carriers] == [
        ("Cheap", "447", Decimal("0.030")),
        ("Dear", "4477", Decimal("0.045")),
    ]


def test_plus_is_ignored(world):
    assert route(source_ip=IP, number="+442071234567").prefix == "44"


def test_401_unknown_ip_and_503_unknown_or_disabled_sip_user(world):
    d = route(source_ip="203.0.113.1", number="4420")
    assert (d.code, d.reason) == (401, "IP Not Authorised")
    f.sip_user(world["customer"], "off", enabled=False)
    eng.engine.reset()
    for username in ("nobody", "off"):
        d = route(username=username, number="4420")
        assert (d.code, d.reason) == (503, "Unknown User")


def test_sip_user_disabled_through_the_service_is_refused(world):
    admin = AdminFactory()
    sipuser = customer_services.sipuser_create(
        actor=admin, customer=world["customer"], username="acme2", password="Tr0ub4dor&3-Horse"
    )
    eng.engine.reset()
    assert route(username="acme2", source_ip="203.0.113.1", number="442071234567").code == 200
    customer_services.sipuser_set_enabled(actor=admin, instance=sipuser, enabled=False)
    eng.engine.reset()
    assert route(username="acme2", source_ip="203.0.113.1", number="442071234567").code == 503


def test_sip_user_identifies_the_customer(world):
    f.sip_user(world["customer"], "acme1")
    eng.engine.reset()
    d = route(username="acme1", source_ip="203.0.113.1", number="442071234567")
    assert d.code == 200 and d.customer.name == "Acme" and d.auth == "SIP user acme1"


@pytest.mark.parametrize("status", ["inactive", "pending", "penalty"])
def test_500_paused_customer_not_active(world, status):
    world["customer"].status = status
    world["customer"].save()
    d = route(source_ip=IP, number="442071234567")
    assert (d.code, d.reason) == (500, "Server not accepting calls (Paused)")
    assert d.customer.status == status


@pytest.mark.parametrize(
    ("balance", "debit_limit", "code"),
    [("0", "0", 403), ("-10", "10", 403), ("-9.99", "10", 200), ("0.01", "0", 200), ("-1", "0", 403)],
)
def test_balance_cut_off(balance, debit_limit, code):
    c = f.customer(balance="0", debit_limit=debit_limit)
    if Decimal(balance):
        from customers.models import LedgerEntry

        LedgerEntry.objects.create(customer=c, kind="charge", amount=Decimal(balance), currency="USD")
    f.ip_auth(c, IP)
    f.route(c, f.card({"1": {"rate": "0.01", "providers": [f.provider(f.carrier(), "0.001", "1")]}}))
    d = route(source_ip=IP, number="12125550100")
    assert d.code == code
    if code == 403:
        assert d.reason == "Out of balance"


def test_503_blocked_by_dial_plan_and_580_without_an_ingress_route(world):
    r = world["route"]
    r.dial_prefixes = "33,34"
    r.save()
    d = route(source_ip=IP, number="442071234567")
    assert (d.code, d.reason) == (503, "Blocked by Dial plan")
    assert route(source_ip=IP, number="33123456").code == 580  # passes the filter, no price for 33
    r.delete()
    eng.engine.reset()
    d = route(source_ip=IP, number="442071234567")
    assert (d.code, d.reason) == (580, "No Route Available")


def test_404_when_what_follows_the_tech_prefix_is_no_number(world):
    r = world["route"]
    r.tech_prefix = "77#"
    r.save()
    for number in ("77#", "77#44*1"):
        d = route(source_ip=IP, number=number)
        assert (d.code, d.reason) == (404, "Not Found")
        eng.engine.reset()
    assert route(source_ip=IP, number="77#442071234567").code == 200


def test_dial_string_regex(world):
    r = world["route"]
    r.dial_pattern = r"^44[0-9]{10}$"
    r.save()
    assert route(source_ip=IP, number="442071234567").code == 200
    eng.engine.reset()
    assert route(source_ip=IP, number="4420712345").code == 503


def test_disabled_route_is_ignored(world):
    world["route"].enabled = False
    world["route"].save()
    assert route(source_ip=IP, number="442071234567").code == 580


def test_580_no_prefix_and_unpublished_card(world):
    assert route(source_ip=IP, number="33123456").code == 580
    other = f.customer()
    f.ip_auth(other, "203.0.113.50")
    f.route(other, f.card(None))
    eng.engine.reset()
    assert route(source_ip="203.0.113.50", number="442071234567").code == 580


def test_503_blocked_row(world):
    f.publish_revision(world["card"], {"44": {"rate": "0.02", "blocked": True}})
    d = route(source_ip=IP, number="442071234567")
    assert (d.code, d.reason) == (503, "No Routes Available (Pre)")


def test_503_profit_assurance_drops_unprofitable_carriers(world):
    cheap, dear = world["cheap"], world["dear"]
    f.publish_revision(
        world["card"],
        {
            "44": {
                "rate": "0.0300",
                "providers": [f.provider(cheap, "0.020", "44"), f.provider(dear, "0.031", "44")],
            }
        },
    )
    d = route(source_ip=IP, number="442071234567")
    assert [c.carrier.name for c in d.carriers] == ["Cheap"]
    assert d.dropped == [("Dear", "Profit Assurance: costs 0.031 > sells 0.030000")]

    f.publish_revision(
        world["card"], {"44": {"rate": "0.0100", "providers": [f.provider(dear, "0.031", "44")]}}
    )
    eng.engine.reset()
    d = route(source_ip=IP, number="442071234567")
    assert d.code == 503 and d.reason == "No Routes Available (Profit Assurance)"

    world["route"].profit_assurance = False
    world["route"].save()
    eng.engine.reset()
    assert [c.carrier.name for c in route(source_ip=IP, number="442071234567").carriers] == ["Dear"]


def test_503_when_every_carrier_is_inactive_or_has_no_gateway(world):
    world["cheap"].status = "inactive"
    world["cheap"].save()
    world["dear"].gateways.update(enabled=False)
    d = route(source_ip=IP, number="442071234567")
    assert d.code == 503


def test_tech_prefix_is_stripped_before_matching(world):
    r = world["route"]
    r.tech_prefix = "123#"
    r.save()
    d = route(source_ip=IP, number="123#447012345678")
    assert d.code == 200 and d.number == "447012345678" and d.prefix == "447"
    assert route(source_ip=IP, number="447012345678").code == 580


def test_shared_ip_told_apart_by_route_tech_prefix(world):
    # Bravo's /24 contains Acme's address, so calls from IP may be either customer's.
    bravo = f.customer("Bravo")
    f.ip_auth(bravo, "198.51.100.0/24")
    f.route(bravo, world["card"], tech_prefix="22")
    r = world["route"]
    r.tech_prefix = "11"
    r.save()
    assert route(source_ip=IP, number="11447012345678").customer.name == "Acme"
    d = route(source_ip=IP, number="22447012345678")
    assert d.customer.name == "Bravo" and d.number == "447012345678" and d.auth == "CIDR 198.51.100.0/24"
    assert route(source_ip="198.51.100.200", number="22447012345678").customer.name == "Bravo"
    assert route(source_ip=IP, number="33447012345678").code == 580


def test_shared_ip_told_apart_by_auth_tech_prefix():
    card = f.card({"44": {"rate": "0.02", "providers": [f.provider(f.carrier(), "0.01", "44")]}})
    for name, tp in (("One", "001"), ("Two", "002")):
        c = f.customer(name)
        f.ip_auth(c, IP, tech_prefix=tp)
        f.route(c, card)
    assert route(source_ip=IP, number="001442071234567").customer.name == "One"
    d = route(source_ip=IP, number="002442071234567")
    assert d.customer.name == "Two" and d.number == "442071234567"
    assert route(source_ip=IP, number="442071234567").code == 401


def test_shared_ip_with_an_inactive_customer_only_refuses_that_customer(world):
    bravo = f.customer("Bravo", status="inactive")
    f.ip_auth(bravo, "198.51.100.0/24")
    f.route(bravo, world["card"], tech_prefix="22")
    assert route(source_ip=IP, number="447012345678").code == 200
    assert route(source_ip=IP, number="22447012345678").code == 500


def test_host_name_auth_uses_resolved_addresses(world):
    c = f.customer("Hosted")
    f.ip_auth(c, "pbx.example.com", kind="host", resolved=["203.0.113.77"])
    f.route(c, world["card"])
    eng.engine.reset()
    assert route(source_ip="203.0.113.77", number="442071234567").customer.name == "Hosted"


def test_ipv6_auth(world):
    c = f.customer("Six")
    f.ip_auth(c, "2001:db8::/32")
    f.route(c, world["card"])
    eng.engine.reset()
    assert route(source_ip="2001:db8::5", number="442071234567").customer.name == "Six"


def test_decisions_use_no_queries_once_loaded(world, django_assert_num_queries):
    route(source_ip=IP, number="442071234567")
    eng.engine.check_interval = 3600
    try:
        with django_assert_num_queries(0):
            for _ in range(50):
                route(source_ip=IP, number="447712345678")
    finally:
        eng.engine.check_interval = eng.CHECK_INTERVAL
