from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from connexcs.dns import MAX_PORT, SIP_PORT, AddressKind, Transport
from connexcs.money import CurrencyField, amount_field

from .choices import CarrierPaymentDirection, CarrierStatus

# Seconds; the seeds' defaults for a new carrier.
DEFAULT_FIRST_REPLY_TIMEOUT, DEFAULT_PDD_TIMEOUT, DEFAULT_RING_TIMEOUT = 3, 5, 60


class Carrier(models.Model):
    name = models.CharField(max_length=150, unique=True)
    currency = CurrencyField()
    status = models.CharField(max_length=10, choices=CarrierStatus.choices, default=CarrierStatus.ACTIVE)
    channels = models.PositiveIntegerField(default=0, help_text="Concurrent calls; 0 means unlimited.")
    cps = models.PositiveIntegerField("CPS", default=0, help_text="Calls per second; 0 means unlimited.")
    first_reply_timeout = models.PositiveSmallIntegerField(
        "First Reply Timeout (s)",
        default=DEFAULT_FIRST_REPLY_TIMEOUT,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    pdd_timeout = models.PositiveSmallIntegerField(
        "PDD Timeout (s)",
        default=DEFAULT_PDD_TIMEOUT,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    ring_timeout = models.PositiveSmallIntegerField(
        "Ring Timeout (s)",
        default=DEFAULT_RING_TIMEOUT,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("carriers:carrier_detail", kwargs={"pk": self.pk})

    @property
    def status_colour(self) -> str:
        return CarrierStatus(self.status).colour


class Gateway(models.Model):
    """A carrier's termination switch (its "IP Authentication" entry)."""

    carrier = models.ForeignKey(Carrier, on_delete=models.CASCADE, related_name="gateways")
    address = models.CharField(max_length=255, help_text="IP, CIDR, host name or SRV record.")
    kind = models.CharField(max_length=4, choices=AddressKind.choices)
    port = models.PositiveIntegerField(
        default=SIP_PORT, validators=[MinValueValidator(1), MaxValueValidator(MAX_PORT)]
    )
    protocol = models.CharField(max_length=3, choices=Transport.choices, default=Transport.UDP)
    weight = models.PositiveIntegerField(
        default=1,
        validators=[MinValueValidator(1)],
        help_text="Share of calls relative to the other gateways.",
    )
    enabled = models.BooleanField(default=True)
    resolved_addresses = models.JSONField(default=list, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolve_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-weight", "address"]
        constraints = [
            models.UniqueConstraint(fields=["carrier", "address", "port"], name="gateway_unique_per_carrier"),
            models.CheckConstraint(
                condition=models.Q(port__gte=1, port__lte=MAX_PORT), name="gateway_port_range"
            ),
            models.CheckConstraint(condition=models.Q(weight__gte=1), name="gateway_weight_positive"),
        ]

    def __str__(self):
        return f"{self.address}:{self.port}"


class CarrierPayment(models.Model):
    """Money paid to a carrier, or received from it, in the carrier's currency.

    Never edited: a mistake is voided (kept, with who and why, and left out of the balance) and
    entered again.
    """

    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="payments")
    direction = models.CharField(max_length=8, choices=CarrierPaymentDirection.choices)
    amount = amount_field()
    currency = CurrencyField()
    paid_on = models.DateField("Date")
    reference = models.CharField(max_length=100, blank=True)
    # Text after a "#" is the operator's private note; the carrier portal shows what comes before it.
    description = models.CharField(max_length=255, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A new key each time the Add Payment form is shown: the same form posted twice books once.
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="carrier_payment_amount_positive"),
            models.UniqueConstraint(
                fields=["idempotency_key"], name="carrier_payment_idempotency_key_unique"
            ),
        ]
        indexes = [models.Index(fields=["carrier", "paid_on"], name="carrier_payment_carrier_date")]

    def __str__(self):
        return f"{self.get_direction_display()} {self.amount} {self.currency} on {self.paid_on}"

    @property
    def public_description(self) -> str:
        return self.description.split("#", 1)[0].strip()

    @property
    def signed_amount(self):
        """What the payment does to the balance: a payment to the carrier raises our credit with it."""
        return self.amount if self.direction == CarrierPaymentDirection.SENT else -self.amount
