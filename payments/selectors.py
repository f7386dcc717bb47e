"""Reads for online payments, scoped for who asks."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from carriers.choices import CarrierPaymentDirection
from carriers.models import Carrier, CarrierPayment
from cdr.models import CarrierCost
from connexcs.money import AMOUNT_DIGITS, AMOUNT_PLACES, ZERO
from customers.models import Customer
from portal.models import PortalDomain
from portal.selectors import customer_portal, effective_features

from .choices import GatewayKind
from .models import DEFAULT_MAXIMUM, DEFAULT_MINIMUM, BrandPaymentLimit, OnlinePayment, PaymentGateway

DEC = DecimalField(max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES)
BLOCK_FEATURE = {GatewayKind.PAYPAL: "block_paypal", GatewayKind.STRIPE: "block_stripe"}


def gateway_list(*, actor) -> QuerySet[PaymentGateway]:
    # The operator's own accounts: the Account area (checked by the view) decides access.
    return PaymentGateway.objects.order_by("name")


def online_payment_list(*, actor) -> QuerySet[OnlinePayment]:
    return OnlinePayment.objects.select_related("gateway", "payment", "payment__customer")


def gateways_for_customer(*, customer: Customer) -> list[PaymentGateway]:
    """The gateways a customer may pay through: in their currency, and not blocked by the brand or
    the customer's own Portal Access ("Block PayPal" / "Block Stripe" in the effective features)."""
    features = effective_features(customer=customer)
    if "payments" not in features:
        return []
    blocked = {kind for kind, feature in BLOCK_FEATURE.items() if feature in features}
    return [
        gateway
        for gateway in PaymentGateway.objects.filter(currencies__contains=[customer.currency]).order_by(
            "name"
        )
        if gateway.kind not in blocked
    ]


def amount_limits(*, customer: Customer) -> tuple[Decimal, Decimal]:
    """(smallest, largest) amount of one online payment: the brand's limits, raised to the
    customer's own Minimum Payment."""
    link = customer_portal(customer=customer)
    minimum, maximum = brand_limits(brand=link.domain) if link else (DEFAULT_MINIMUM, DEFAULT_MAXIMUM)
    return max(minimum, customer.minimum_payment or Decimal(0)), maximum


def brand_limits(*, brand: PortalDomain) -> tuple[Decimal, Decimal]:
    limit = BrandPaymentLimit.objects.filter(brand=brand).first()
    return (limit.minimum_amount, limit.maximum_amount) if limit else (DEFAULT_MINIMUM, DEFAULT_MAXIMUM)


def brand_limit_list(*, actor) -> QuerySet[PortalDomain]:
    """Every brand with its payment limits (None where the defaults apply), for My Account > API."""
    return PortalDomain.objects.select_related("payment_limit").order_by("domain")


def customer_online_payment(*, customer: Customer, reference) -> OnlinePayment | None:
    """One of the customer's own online payments by our reference (another customer's: None)."""
    return (
        OnlinePayment.objects.select_related("payment", "gateway")
        .filter(local_reference=reference, payment__customer=customer)
        .first()
    )


# Carrier payments (Management > Carrier > Payments, and the carrier portal's Payments page).


@dataclass(frozen=True)
class CarrierBalance:
    """Our credit with a carrier: paid to it, less received from it, less what its calls cost us.

    Below zero, we owe the carrier. Voided payments count for nothing. Informational only: a
    carrier's balance never stops a call (unlike a customer's).
    """

    sent: Decimal
    received: Decimal
    cost: Decimal
    currency: str

    @property
    def balance(self) -> Decimal:
        return self.sent - self.received - self.cost


def carrier_balance(*, carrier: Carrier) -> CarrierBalance:
    """Two aggregate queries however many payments and cost lines there are."""
    totals = CarrierPayment.objects.filter(carrier=carrier, voided_at__isnull=True).aggregate(
        sent=Sum("amount", filter=Q(direction=CarrierPaymentDirection.SENT), default=ZERO),
        received=Sum("amount", filter=Q(direction=CarrierPaymentDirection.RECEIVED), default=ZERO),
    )
    cost = CarrierCost.objects.filter(carrier_id=carrier.pk, currency=carrier.currency).aggregate(
        total=Sum("amount", default=ZERO)
    )["total"]
    return CarrierBalance(totals["sent"], totals["received"], cost, carrier.currency)


def carrier_balance_annotation() -> dict:
    """`balance` for a Carrier queryset: carrier_balance() per row, as two correlated subqueries."""
    signed = Case(
        When(direction=CarrierPaymentDirection.SENT, then=F("amount")), default=-F("amount"), output_field=DEC
    )
    paid = (
        CarrierPayment.objects.filter(carrier=OuterRef("pk"), voided_at__isnull=True)
        .values("carrier")
        .annotate(total=Sum(signed))
        .values("total")
    )
    cost = (
        CarrierCost.objects.filter(carrier_id=OuterRef("pk"), currency=OuterRef("currency"))
        .values("carrier_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    zero = Value(ZERO, output_field=DEC)
    return {
        "balance": ExpressionWrapper(
            Coalesce(Subquery(paid), zero) - Coalesce(Subquery(cost), zero), output_field=DEC
        )
    }


def carrier_portal_payments(*, carrier: Carrier) -> QuerySet[CarrierPayment]:
    """The carrier portal's history: the logged-in carrier's own payments that are not void."""
    return CarrierPayment.objects.filter(carrier=carrier, voided_at__isnull=True).order_by("-paid_on", "-id")
