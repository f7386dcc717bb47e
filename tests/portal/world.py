"""Two customers and two carriers on one brand, each with one of everything a portal page shows."""

from dataclasses import dataclass
from decimal import Decimal

from customers import services as customer_services
from portal.models import PortalUser
from ratecards.models import ProviderCard, ProviderCardRevision, ProviderRate
from tests.portal.factories import VerifiedDomainFactory, portal_carrier, portal_customer
from tests.routing import factories as rf

HOST = "world.brand.test"
ALL_FEATURES = {
    "balance": True,
    "cdr": True,
    "breakout": True,
    "rate_cards": True,
    "ip_auth_editable": True,
    "sip_auth_editable": True,
    "routes_editable": True,
    "payments": True,
    "interconnect_info": True,
    "carrier_portal": True,
    "summary": True,
    "packages": True,
}


@dataclass
class Tenant:
    customer: object
    user: PortalUser
    card: object
    route: object
    ip_auth: object
    sip_user: object
    payment: object


@dataclass
class CarrierTenant:
    carrier: object
    user: PortalUser
    card: object
    revision: object


def provider_card(carrier, rows: int = 3, *, name=None):
    card = ProviderCard.objects.create(name=name or f"{carrier.name} card", carrier=carrier, currency="USD")
    revision = ProviderCardRevision.objects.create(card=card, number=1, state="published", row_count=rows)
    ProviderRate.objects.bulk_create(
        ProviderRate(revision=revision, prefix=f"44{i:04d}", name=f"UK {i}", cost=Decimal("0.0050"))
        for i in range(rows)
    )
    card.current_revision = revision
    card.save(update_fields=["current_revision"])
    return card, revision


def tenant(brand, admin_user, tag: str) -> Tenant:
    customer, user = portal_customer(brand, name=f"Customer {tag}", email=f"{tag}@customer.test")
    card = rf.card(
        {"44": {"rate": "0.0100", "name": f"UK {tag}"}, "33": {"rate": "0.0200"}}, name=f"Card {tag}"
    )
    route = rf.route(customer, card, tech_prefix=f"{ord(tag)}")
    ip = rf.ip_auth(customer, f"192.0.2.{ord(tag) % 200}")
    sip = rf.sip_user(customer, f"sip{tag}")
    payment = customer_services.payment_create(
        actor=admin_user, customer=customer, description=f"Top-up {tag}", amount="25.00", status="complete"
    )
    return Tenant(customer, user, card, route, ip, sip, payment)


def carrier_tenant(brand, tag: str) -> CarrierTenant:
    carrier, user = portal_carrier(brand, name=f"Carrier {tag}", email=f"{tag}@carrier.test")
    card, revision = provider_card(carrier)
    return CarrierTenant(carrier, user, card, revision)


def world(admin_user):
    brand = VerifiedDomainFactory(domain=HOST, brand_name="World Tel", features=ALL_FEATURES)
    return (
        brand,
        tenant(brand, admin_user, "a"),
        tenant(brand, admin_user, "b"),
        carrier_tenant(brand, "x"),
        carrier_tenant(brand, "y"),
    )
