"""The CNAME check against the local DNS server, directly and through a real Celery worker."""

import pytest
from django.db import transaction

from portal import selectors, services
from portal.choices import DNSStatus
from portal.models import PortalDomain
from tests.helpers import wait_for
from tests.portal.factories import PortalDomainFactory, VerifiedDomainFactory


def checked(name):
    brand = PortalDomainFactory(domain=name)
    return services.domain_check_dns(domain_id=brand.pk)


@pytest.mark.django_db
def test_cname_to_the_target_is_verified(portal_dns):
    brand = checked("ok.brand.test")
    assert brand.dns_status == DNSStatus.OK
    assert brand.dns_found == "CNAME to portal.localhost."
    assert brand.dns_checked_at is not None


@pytest.mark.django_db
def test_an_a_record_is_refused_with_the_seeds_explanation(portal_dns):
    brand = checked("a-record.brand.test")
    assert brand.dns_status == DNSStatus.FAILED
    assert "A record 203.0.113.5" in brand.dns_found
    assert "CNAME record pointing to portal.localhost" in brand.dns_found
    assert "will not work with A records or by pointing directly" in brand.dns_found


@pytest.mark.django_db
def test_a_cname_elsewhere_is_refused(portal_dns):
    brand = checked("wrong.brand.test")
    assert brand.dns_status == DNSStatus.FAILED
    assert brand.dns_found == "CNAME to elsewhere.example.test, not to portal.localhost."


@pytest.mark.django_db
def test_nxdomain(portal_dns):
    brand = checked("missing.brand.test")
    assert brand.dns_status == DNSStatus.FAILED and "does not exist in DNS (NXDOMAIN)" in brand.dns_found


@pytest.mark.django_db
def test_timeout_is_reported_and_rechecked(portal_dns):
    brand = checked("slow.brand.test")
    assert brand.dns_status == DNSStatus.FAILED and "timed out" in brand.dns_found


@pytest.mark.django_db
def test_a_verified_domain_that_stops_pointing_here_loses_its_certificate_permission(portal_dns):
    brand = VerifiedDomainFactory(domain="a-record.brand.test")
    services.domain_certificate_ask(domain=brand.domain)
    services.domain_check_dns(domain_id=brand.pk)
    brand.refresh_from_db()
    assert brand.dns_status == DNSStatus.FAILED and brand.certificate_requested_at is None
    assert services.domain_certificate_ask(domain=brand.domain) is False


@pytest.mark.django_db
def test_beat_rechecks_only_domains_due(settings):
    from django.utils import timezone

    settings.DNS_REFRESH_SECONDS = 300
    now = timezone.now()
    due = PortalDomainFactory(dns_checked_at=now - timezone.timedelta(seconds=301))
    never = PortalDomainFactory()
    PortalDomainFactory(dns_checked_at=now)
    assert selectors.domain_ids_due_for_check(now=now) == sorted([due.pk, never.pk])
    assert "portal.tasks.recheck_domains" in {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}


@pytest.mark.django_db(transaction=True)
def test_saving_a_domain_checks_it_in_a_real_worker(portal_dns, celery_worker, admin_user):
    with transaction.atomic():
        brand = services.domain_create(actor=admin_user, domain="shop.brand.test", brand_name="Shop")
    assert wait_for(lambda: PortalDomain.objects.get(pk=brand.pk).dns_status == DNSStatus.OK)
