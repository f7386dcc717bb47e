import pytest
from django.core.exceptions import ValidationError

from carriers import services
from carriers.models import Carrier, Gateway
from connexcs import versioning
from connexcs.models import AuditEvent
from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor():
    return AdminFactory()


@pytest.fixture
def carrier(actor):
    return services.carrier_create(actor=actor, name="Upstream One", currency="USD")


def test_carrier_create_audits_and_bumps(actor, django_capture_on_commit_callbacks):
    before = versioning.current("routing")
    with django_capture_on_commit_callbacks(execute=True):
        carrier = services.carrier_create(actor=actor, name="Wholesale", currency="EUR", channels=100, cps=10)
    assert (carrier.currency, carrier.channels, carrier.cps, carrier.pdd_timeout) == ("EUR", 100, 10, 5)
    assert AuditEvent.objects.filter(action="carrier.create", object_id=str(carrier.pk)).exists()
    assert versioning.current("routing") == before + 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": " ", "currency": "USD"}, "name"),
        ({"name": "X", "currency": "ABC"}, "currency"),
        ({"name": "X", "currency": "USD", "cps": -1}, "cps"),
        ({"name": "X", "currency": "USD", "pdd_timeout": 0}, "pdd_timeout"),
        ({"name": "X", "currency": "USD", "ring_timeout": 9999}, "ring_timeout"),
        ({"name": "X", "currency": "USD", "status": "zombie"}, "status"),
    ],
)
def test_carrier_bad_input(actor, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        services.carrier_create(actor=actor, **kwargs)
    assert field in exc.value.error_dict
    assert not Carrier.objects.exists()


def test_carrier_name_unique(actor, carrier):
    with pytest.raises(ValidationError) as exc:
        services.carrier_create(actor=actor, name="upstream one", currency="USD")
    assert set(exc.value.error_dict) == {"name"}


def test_carrier_update(actor, carrier):
    services.carrier_update(actor=actor, instance=carrier, status="inactive", ring_timeout=90)
    carrier.refresh_from_db()
    assert carrier.status == "inactive" and carrier.ring_timeout == 90
    assert AuditEvent.objects.get(action="carrier.update").before["status"] == "active"


def test_gateway_ip(actor, carrier):
    gateway = services.gateway_create(actor=actor, carrier=carrier, address="203.0.113.9", weight=10)
    assert gateway.kind == "ip" and gateway.resolved_addresses == ["203.0.113.9"] and gateway.enabled
    assert AuditEvent.objects.filter(action="gateway.create").exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"address": "10.0.0.1/33"}, "address"),
        ({"address": "10.0.0.0/24"}, "address"),
        ({"address": "203.0.113.9", "port": 0}, "port"),
        ({"address": "203.0.113.9", "weight": 0}, "weight"),
        ({"address": "203.0.113.9", "protocol": "sctp"}, "protocol"),
    ],
)
def test_gateway_bad_input(actor, carrier, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        services.gateway_create(actor=actor, carrier=carrier, **kwargs)
    assert field in exc.value.error_dict
    assert not Gateway.objects.exists()


def test_gateway_duplicate_address_and_port(actor, carrier):
    services.gateway_create(actor=actor, carrier=carrier, address="203.0.113.9")
    with pytest.raises(ValidationError) as exc:
        services.gateway_create(actor=actor, carrier=carrier, address="203.0.113.9", port=5060)
    assert set(exc.value.error_dict) == {"address"}
    services.gateway_create(actor=actor, carrier=carrier, address="203.0.113.9", port=5080)


def test_gateway_host_resolution_and_errors(actor, carrier, dns_server):
    ok = services.gateway_create(actor=actor, carrier=carrier, address="pbx.example.test")
    slow = services.gateway_create(actor=actor, carrier=carrier, address="slow.example.test")
    services.gateway_resolve(gateway_id=ok.pk)
    services.gateway_resolve(gateway_id=slow.pk)
    ok.refresh_from_db()
    slow.refresh_from_db()
    assert ok.resolved_addresses == ["203.0.113.5", "2001:db8::5"]
    assert slow.resolved_addresses == [] and "timed out" in slow.resolve_error and slow.resolved_at


def test_gateway_update_and_delete(actor, carrier):
    gateway = services.gateway_create(actor=actor, carrier=carrier, address="203.0.113.9")
    gateway = services.gateway_update(actor=actor, instance=gateway, enabled=False, weight=3)
    assert not gateway.enabled and gateway.weight == 3
    services.gateway_delete(actor=actor, instance=gateway)
    assert not Gateway.objects.exists()
    assert AuditEvent.objects.filter(action="gateway.delete").exists()
