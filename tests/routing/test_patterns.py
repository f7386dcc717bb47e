"""Dial-string patterns are RE2: linear time whatever a person types; what RE2 refuses is a field error."""

import pytest
import re2
from django.urls import reverse

from routing import services
from routing.engine import engine, route
from routing.models import IngressRoute
from routing.patterns import PatternError, compile_pattern
from tests.factories import AdminFactory
from tests.routing import factories as f

pytestmark = pytest.mark.django_db
IP = "198.51.100.7"
CATASTROPHIC = r"((\d+)+)+x"  # 65 s for 18 digits with a backtracking engine


@pytest.fixture
def world():
    carrier = f.carrier("Cheap")
    card = f.card({"44": {"rate": "0.02", "providers": [f.provider(carrier, "0.01", "44")]}})
    customer = f.customer("Acme")
    f.ip_auth(customer, IP)
    return customer, card


def test_the_catastrophic_pattern_is_evaluated_by_re2(world):
    customer, card = world
    services.ingress_route_create(
        actor=AdminFactory(), customer=customer, card=card, dial_pattern=CATASTROPHIC
    )
    (held,) = engine.snapshot().routes[customer.pk]
    assert isinstance(held.dial_pattern, re2._Regexp)  # linear time, whatever the pattern
    assert route(source_ip=IP, number="4" * 18).code == 503  # the route's dial plan refuses it


def test_the_engine_holds_re2_patterns_only(world):
    customer, card = world
    services.ingress_route_create(actor=AdminFactory(), customer=customer, card=card, dial_pattern=r"^44\d+$")
    decision = route(source_ip=IP, number="442071234567")
    assert decision.code == 200 and isinstance(decision.route.dial_pattern, re2._Regexp)


@pytest.mark.parametrize("pattern", [r"(4)\1", r"(?=44)", r"(?<!1)4", "([0-9", "4{1001}"])
def test_a_pattern_re2_refuses_is_a_field_error_on_the_form(admin_client, world, pattern):
    customer, card = world
    data = {"card": card.pk, "max_duration": 3600, "channels": 0, "cps": 0, "dial_pattern": pattern}
    response = admin_client.post(
        reverse("routing:ingress_route_add", kwargs={"customer_pk": customer.pk}), data
    )
    assert response.status_code == 200
    assert "Not a pattern the routing engine accepts" in str(response.context["form"].errors["dial_pattern"])
    assert not IngressRoute.objects.exists()


def test_a_stored_pattern_re2_refuses_takes_no_calls_and_breaks_nothing(world):
    customer, card = world
    f.route(customer, card, dial_pattern=r"(4)\1")  # saved before patterns were checked
    assert route(source_ip=IP, number="442071234567").code == 503
    with pytest.raises(PatternError):
        compile_pattern(r"(4)\1")
