"""Services take explicit, typed keyword arguments: a misspelt field is a TypeError at the call,
not silently ignored, and an update changes only what it is given."""

import inspect
from decimal import Decimal

import pytest

from accounts import services as accounts_services
from carriers import services as carriers_services
from customers import services as customers_services
from notices import services as notices_services
from routing import services as routing_services
from routing.services import ingress_route_create, ingress_route_update
from tests.factories import AdminFactory
from tests.routing import factories as rf

MODULES = [accounts_services, customers_services, carriers_services, routing_services, notices_services]


def public_services():
    for module in MODULES:
        for name, func in inspect.getmembers(module, inspect.isfunction):
            if (
                func.__module__ == module.__name__
                and not name.startswith("_")
                and "actor" in inspect.signature(func).parameters
            ):
                yield f"{module.__name__}.{name}", func


def test_services_take_only_typed_keyword_arguments():
    checked = 0
    for name, func in public_services():
        for param in inspect.signature(func).parameters.values():
            assert param.kind is inspect.Parameter.KEYWORD_ONLY, f"{name}({param.name})"
            assert param.annotation is not inspect.Parameter.empty, f"{name}({param.name}) has no type"
        checked += 1
    assert checked > 20


@pytest.mark.django_db
def test_a_misspelt_field_is_refused_not_ignored():
    actor = AdminFactory()
    customer = customers_services.customer_create(actor=actor, name="Typo Ltd", currency="USD")
    with pytest.raises(TypeError):
        customers_services.customer_update(actor=actor, instance=customer, debit_limt=Decimal("5"))


@pytest.mark.django_db
def test_route_update_changes_only_what_it_is_given():
    actor = AdminFactory()
    customer = rf.customer()
    card = rf.card({"44": {"rate": "0.01"}})
    route = ingress_route_create(
        actor=actor, customer=customer, card=card, tech_prefix="123#", dial_prefixes="44", max_duration=600
    )

    ingress_route_update(actor=actor, instance=route, enabled=False)

    route.refresh_from_db()
    assert (route.enabled, route.tech_prefix, route.dial_prefixes, route.max_duration) == (
        False,
        "123#",
        "44",
        600,
    )
