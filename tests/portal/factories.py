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


PASSWORD = "Portal-pass-2026!"


def portal_customer(brand, *, name=None, email=None, password=PASSWORD, features=None, **customer_fields):
    """A customer under `brand` with one contact who logs in there with `password` (None: invited only)."""
    from django.contrib.auth.hashers import make_password

    from customers.models import Contact
    from portal.models import CustomerPortal, PortalUser
    from tests.factories import CustomerFactory

    customer = CustomerFactory(**({"name": name} if name else {}), **customer_fields)
    CustomerPortal.objects.create(customer=customer, domain=brand, overrides=features or {})
    email = email or f"contact{customer.pk}@customer.test"
    contact = Contact.objects.create(customer=customer, name=f"Contact {customer.pk}", email=email)
    user = PortalUser.objects.create(
        domain=brand,
        contact=contact,
        name=contact.name,
        email=email,
        password=make_password(password) if password else "",
    )
    return customer, user


def portal_carrier(brand, *, email=None, password=PASSWORD, **carrier_fields):
    from django.contrib.auth.hashers import make_password

    from portal.models import PortalUser
    from tests.factories import CarrierFactory

    carrier = CarrierFactory(**carrier_fields)
    email = email or f"carrier{carrier.pk}@carrier.test"
    user = PortalUser.objects.create(
        domain=brand,
        carrier=carrier,
        name=f"Carrier contact {carrier.pk}",
        email=email,
        password=make_password(password) if password else "",
    )
    return carrier, user


def portal_login(client, user, password=PASSWORD):
    response = client.post("/", {"email": user.email, "password": password}, HTTP_HOST=user.domain.domain)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response
