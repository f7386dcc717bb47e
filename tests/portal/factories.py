import factory
from factory.django import DjangoModelFactory

from portal.choices import DNSStatus
from portal.models import PortalDomain


class PortalDomainFactory(DjangoModelFactory):
    class Meta:
        model = PortalDomain

    domain = factory.Sequence(lambda n: f"portal{n}.brand.test")
    brand_name = factory.Sequence(lambda n: f"Brand {n}")


class VerifiedDomainFactory(PortalDomainFactory):
    dns_status = DNSStatus.OK
    dns_found = "CNAME to portal.localhost."
