"""The carriers app refreshes its own gateways' DNS answers on its own beat entry."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from carriers.models import Gateway
from carriers.services import carrier_create, gateway_create
from carriers.tasks import refresh_dns
from tests.factories import AdminFactory
from tests.helpers import wait_for


def test_each_app_schedules_its_own_dns_refresh():
    tasks = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"customers.tasks.refresh_dns", "carriers.tasks.refresh_dns"} <= tasks


@pytest.mark.django_db(transaction=True)
def test_periodic_refresh_reresolves_stale_gateways(celery_worker, dns_server, settings):
    actor = AdminFactory()
    carrier = carrier_create(actor=actor, name="Stale Upstream", currency="USD")
    gateway = gateway_create(actor=actor, carrier=carrier, address="_sip._udp.example.test")
    assert wait_for(lambda: Gateway.objects.filter(pk=gateway.pk, resolved_at__isnull=False).exists())
    old = timezone.now() - timedelta(hours=1)
    Gateway.objects.filter(pk=gateway.pk).update(resolved_at=old, resolved_addresses=["192.0.2.99"])
    settings.DNS_REFRESH_SECONDS = 300
    refresh_dns.delay()
    assert wait_for(lambda: Gateway.objects.filter(pk=gateway.pk, resolved_at__gt=old).exists())
    gateway.refresh_from_db()
    assert gateway.resolved_addresses == ["203.0.113.11", "203.0.113.12"]
