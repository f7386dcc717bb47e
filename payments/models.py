from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse

from connexcs.fields import EncryptedTextField
from connexcs.money import CurrencyField, amount_field
from customers.models import Payment
from portal.models import PortalDomain

from .choices import CheckStatus, GatewayKind, GatewayMode

DEFAULT_MINIMUM = Decimal("5.00")
DEFAULT_MAXIMUM = Decimal("10000.00")


class PaymentGateway(models.Model):
    """My Account > API: one PayPal or Stripe account the portal takes payments through."""

    kind = models.CharField(max_length=10, choices=GatewayKind.choices)
    name = models.CharField(max_length=100, unique=True)
    mode = models.CharField(max_length=10, choices=GatewayMode.choices, default=GatewayMode.LIVE)
    # PayPal's Client ID or Stripe's Public Key: not secret, shown in the list.
    public_key = models.CharField(max_length=255)
    # PayPal's Secret or Stripe's Private Key.
    secret = EncryptedTextField()
    # Stripe's webhook signing secret (whsec_...); PayPal events are checked by asking PayPal.
    webhook_secret = EncryptedTextField(blank=True)
    currencies = ArrayField(models.CharField(max_length=3), default=list)
    check_status = models.CharField(max_length=10, choices=CheckStatus.choices, default=CheckStatus.UNCHECKED)
    check_message = models.CharField(max_length=255, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("payments:gateway_edit", kwargs={"pk": self.pk})

    @property
    def check_colour(self) -> str:
        return CheckStatus(self.check_status).colour


class OnlinePayment(models.Model):
    """A payment made through a gateway: the provider's side of one customers.Payment.

    The Payment (and its ledger entries) says what the customer's balance counts; this row says
    which provider object it is, so the provider's events find it and book it once.
    """

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="online")
    gateway = models.ForeignKey(PaymentGateway, on_delete=models.PROTECT, related_name="payments")
    # Ours, sent to the provider as metadata before its reference is known.
    local_reference = models.UUIDField(unique=True)
    # Stripe's Checkout Session id or PayPal's order id; empty only until the provider answers.
    provider_reference = models.CharField(max_length=255, blank=True)
    # Stripe's PaymentIntent or PayPal's capture id, for refund events.
    provider_payment_id = models.CharField(max_length=255, blank=True)
    amount_minor = models.BigIntegerField(help_text="The amount in the currency's minor units.")
    currency = CurrencyField()
    fee = amount_field(null=True, blank=True)
    checkout_url = models.URLField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "provider_reference"],
                condition=~models.Q(provider_reference=""),
                name="online_payment_provider_reference_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_minor__gt=0), name="online_payment_amount_positive"
            ),
        ]
        indexes = [models.Index(fields=["provider_payment_id"], name="online_payment_provider_pay")]

    def __str__(self):
        return f"{self.gateway} {self.provider_reference or self.local_reference}"


class ProviderEvent(models.Model):
    """Each provider event handled, by its id: a second delivery of the same event does nothing."""

    gateway = models.ForeignKey(PaymentGateway, on_delete=models.CASCADE, related_name="events")
    event_id = models.CharField(max_length=255)
    event_type = models.CharField(max_length=100)
    online_payment = models.ForeignKey(
        OnlinePayment, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    outcome = models.CharField(max_length=255, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["gateway", "event_id"], name="provider_event_unique"),
        ]

    def __str__(self):
        return f"{self.event_type} {self.event_id}"


class BrandPaymentLimit(models.Model):
    """The smallest and largest amount a brand's portal accepts in one online payment."""

    brand = models.OneToOneField(
        PortalDomain, on_delete=models.CASCADE, primary_key=True, related_name="payment_limit"
    )
    minimum_amount = amount_field(default=DEFAULT_MINIMUM)
    maximum_amount = amount_field(default=DEFAULT_MAXIMUM)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minimum_amount__gt=0, maximum_amount__gte=models.F("minimum_amount")),
                name="brand_payment_limit_range",
            ),
        ]

    def __str__(self):
        return f"{self.brand}: {self.minimum_amount}-{self.maximum_amount}"
