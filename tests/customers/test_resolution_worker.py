"""Host names and SRV records are resolved by a real Celery worker after the save commits."""

import pytest

from carriers.services import carrier_create, gateway_create
from customers.models import IPAuth
from customers.services import customer_create, ipauth_create
from tests.factories import AdminFactory
from tests.helpers import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_worker_resolves_customer_host_and_flags_nxdomain(celery_worker, dns_server):
    actor = AdminFactory()
    customer = customer_create(actor=actor, name="Resolve Ltd", currency="USD")
    good = ipauth_create(actor=actor, customer=customer, address="pbx.example.test")
    bad = ipauth_create(actor=actor, customer=customer, address="missing.example.test")

    def done():
        rows = IPAuth.objects.filter(pk__in=[good.pk, bad.pk], resolved_at__isnull=False)
        return rows.count() == 2

    assert wait_for(done)
    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.resolved_addresses == ["203.0.113.5", "2001:db8::5"] and good.resolve_error == ""
    assert bad.resolved_addresses == [] and "NXDOMAIN" in bad.resolve_error


def test_worker_resolves_carrier_srv_gateway(celery_worker, dns_server):
    actor = AdminFactory()
    carrier = carrier_create(actor=actor, name="Upstream", currency="USD")
    gateway = gateway_create(actor=actor, carrier=carrier, address="_sip._udp.example.test")

    def resolved():
        gateway.refresh_from_db()
        return gateway.resolved_at is not None

    assert wait_for(resolved)
    assert gateway.resolved_addresses == ["203.0.113.11", "203.0.113.12"]


def test_periodic_refresh_reresolves_stale_names(celery_worker, dns_server, settings):
    from datetime import timedelta

    from django.utils import timezone

    from customers.tasks import refresh_dns

    actor = AdminFactory()
    customer = customer_create(actor=actor, name="Stale Ltd", currency="USD")
    entry = ipauth_create(actor=actor, customer=customer, address="pbx.example.test")
    assert wait_for(lambda: IPAuth.objects.filter(pk=entry.pk, resolved_at__isnull=False).exists())
    old = timezone.now() - timedelta(hours=1)
    IPAuth.objects.filter(pk=entry.pk).update(resolved_at=old, resolved_addresses=["192.0.2.99"])
    settings.DNS_REFRESH_SECONDS = 300
    refresh_dns.delay()
    assert wait_for(lambda: IPAuth.objects.filter(pk=entry.pk, resolved_at__gt=old).exists())
    entry.refresh_from_db()
    assert entry.resolved_addresses == ["203.0.113.5", "2001:db8::5"]
