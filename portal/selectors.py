"""Reads for portal brands, already shaped for the pages that show them."""

import datetime

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from customers.models import Customer

from .choices import DNSStatus, Override
from .features import AVAILABLE, BY_KEY
from .models import CustomerPortal, PortalDomain, PortalUser


def domain_list(*, actor) -> QuerySet[PortalDomain]:
    # Brands belong to the operator as a whole; the Portal area (checked by the view) decides access.
    return (
        PortalDomain.objects.select_related("template_customer")
        .annotate(customer_count=Count("customer_links"))
        .order_by("domain")
    )


def verified_domain(*, host: str) -> PortalDomain | None:
    return PortalDomain.objects.filter(domain=host.lower().rstrip("."), dns_status=DNSStatus.OK).first()


def customer_portal(*, customer: Customer) -> CustomerPortal | None:
    return CustomerPortal.objects.select_related("domain").filter(customer=customer).first()


def effective_features(*, customer: Customer) -> frozenset[str]:
    """What the customer's portal shows: the brand's switches, then the customer's Show/Hide.

    Features this product does not have yet never appear, whatever the switches say. A customer
    under no brand has no portal features.
    """
    return features_of_link(customer_portal(customer=customer))


def features_of_link(link: CustomerPortal | None) -> frozenset[str]:
    if link is None:
        return frozenset()
    shown = {key for key, on in (link.domain.features or {}).items() if on and key in BY_KEY}
    for key, choice in (link.overrides or {}).items():
        if choice == Override.SHOW:
            shown.add(key)
        elif choice == Override.HIDE:
            shown.discard(key)
    return frozenset(shown & AVAILABLE)


def domain_ids_due_for_check(*, now: datetime.datetime) -> list[int]:
    """Domains never checked, or not within DNS_REFRESH_SECONDS: beat re-checks them."""
    due = now - datetime.timedelta(seconds=settings.DNS_REFRESH_SECONDS)
    checks = PortalDomain.objects.filter(Q(dns_checked_at__isnull=True) | Q(dns_checked_at__lt=due))
    return list(checks.order_by("pk").values_list("pk", flat=True))


def brand_features(*, brand: PortalDomain) -> frozenset[str]:
    """The brand's own switches (what its carrier contacts see), limited to features we have."""
    return frozenset(key for key, on in (brand.features or {}).items() if on) & AVAILABLE


def portal_session_user(*, user_id, brand: PortalDomain) -> PortalUser | None:
    """The active portal user `user_id` of `brand`, with `.features` set, if still allowed in.

    A customer's contact is allowed while the customer belongs to this brand.
    """
    if not isinstance(user_id, int):
        return None
    user = (
        PortalUser.objects.select_related("contact__customer", "carrier")
        .filter(pk=user_id, domain=brand, is_active=True)
        .first()
    )
    if user is None:
        return None
    if user.contact_id:
        link = CustomerPortal.objects.filter(customer_id=user.contact.customer_id, domain=brand).first()
        if link is None:
            return None
        link.domain = brand
        user.features = features_of_link(link)
    else:
        # Carrier pages need "Carrier Portal" (404 without it); log-in refuses them without it.
        user.features = brand_features(brand=brand)
    return user
