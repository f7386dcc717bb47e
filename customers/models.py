from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from connexcs.dns import MAX_PORT, SIP_PORT, AddressKind, Transport
from connexcs.fields import EncryptedTextField
from connexcs.money import ZERO, CurrencyField, amount_field

from .choices import CustomerStatus, Direction, LedgerKind, PaymentStatus


class Customer(models.Model):
    name = models.CharField(max_length=150, unique=True)
    currency = CurrencyField()
    status = models.CharField(max_length=10, choices=CustomerStatus.choices, default=CustomerStatus.ACTIVE)
    # The seeds' "Credit / Debit Limit": how far below zero the balance may go. Negative: pre-pay
    # with a buffer (calls stop while the balance is still that much above zero).
    debit_limit = amount_field(
        default=ZERO,
        help_text="How far below zero the balance may go. 0 = pre-pay; negative = pre-pay with a buffer "
        "(e.g. -5.00 stops calls when 5.00 is left).",
    )
    channels = models.PositiveIntegerField(default=0, help_text="Concurrent calls; 0 means unlimited.")
    cps = models.PositiveIntegerField(
        "Flow Speed (CPS)", default=0, help_text="Calls per second; 0 means unlimited."
    )
    tax_percent = models.DecimalField(
        "Tax %",
        max_digits=5,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO), MaxValueValidator(100)],
    )
    minimum_payment = amount_field(default=ZERO)
    daily_spend_limit = amount_field(null=True, blank=True, help_text="Leave empty for no daily limit.")
    portal_access = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(tax_percent__gte=0, tax_percent__lte=100),
                name="customer_tax_percent_range",
            ),
            models.CheckConstraint(
                condition=models.Q(minimum_payment__gte=0), name="customer_minimum_payment_not_negative"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("customers:customer_detail", kwargs={"pk": self.pk})

    @property
    def status_colour(self) -> str:
        return CustomerStatus(self.status).colour


class Contact(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=150)
    email = models.EmailField()
    phone = models.CharField(max_length=20, blank=True, help_text="E.164, e.g. +442071234567")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "email"], name="contact_email_unique_per_customer"),
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>"

    def get_absolute_url(self):
        return reverse("customers:customer_contacts", kwargs={"pk": self.customer_id})


class ResolvedAddressMixin(models.Model):
    """Where a host name or SRV record pointed when last looked up (filled by a task)."""

    resolved_addresses = models.JSONField(default=list, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolve_error = models.TextField(blank=True)

    class Meta:
        abstract = True


class IPAuth(ResolvedAddressMixin):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="ip_auths")
    address = models.CharField(max_length=255, help_text="IP, CIDR, host name or SRV record.")
    kind = models.CharField(max_length=4, choices=AddressKind.choices)
    direction = models.CharField(max_length=7, choices=Direction.choices, default=Direction.INBOUND)
    protocol = models.CharField(max_length=3, choices=Transport.choices, default=Transport.UDP)
    port = models.PositiveIntegerField(
        default=SIP_PORT, validators=[MinValueValidator(1), MaxValueValidator(MAX_PORT)]
    )
    channels = models.PositiveIntegerField(default=0, help_text="0 means unlimited.")
    cps = models.PositiveIntegerField("Flow Speed (CPS)", default=0, help_text="0 means unlimited.")
    tech_prefix = models.CharField(
        max_length=20, blank=True, help_text="Needed when another customer sends calls from the same address."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["address", "tech_prefix"]
        verbose_name = "IP authentication"
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "address", "direction", "tech_prefix"], name="ipauth_unique_per_customer"
            ),
            # Calls arriving from a shared address are told apart by tech prefix.
            models.UniqueConstraint(
                fields=["address", "tech_prefix"],
                condition=models.Q(direction=Direction.INBOUND),
                name="ipauth_inbound_address_prefix_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(port__gte=1, port__lte=MAX_PORT), name="ipauth_port_range"
            ),
        ]

    def __str__(self):
        return f"{self.address}" + (f" #{self.tech_prefix}" if self.tech_prefix else "")


class SIPUser(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="sip_users")
    username = models.CharField(max_length=64, unique=True)
    password = EncryptedTextField()
    # Digest hashes for settings.SIP_REALM, as a SIP proxy's auth table wants them.
    ha1 = models.CharField(max_length=32)
    ha1b = models.CharField(max_length=32)
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["username"]
        verbose_name = "SIP user"
        constraints = [
            # A SIP server matches usernames without regard to case in practice; so do we.
            models.UniqueConstraint(Lower("username"), name="sipuser_username_ci_unique"),
        ]

    def __str__(self):
        return self.username


class Payment(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="payments")
    description = models.CharField(max_length=255)
    amount = amount_field()
    currency = CurrencyField()
    status = models.CharField(max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    # Generated when the Add Payment form is shown; a second POST of that form finds this row
    # instead of booking the money twice. Empty for payments made without a form.
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)
    email_confirmation = models.BooleanField(
        "Email Confirmation",
        default=False,
        help_text="Once the payment is Complete, email every contact of the customer that it was received.",
    )
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive"),
            models.UniqueConstraint(fields=["idempotency_key"], name="payment_idempotency_key_unique"),
        ]

    def __str__(self):
        return f"{self.description} {self.amount} {self.currency}"

    @property
    def public_description(self) -> str:
        """What the customer sees: the description up to a # (the rest is the operator's note)."""
        return self.description.split("#", 1)[0].strip()


class LedgerEntry(models.Model):
    """Append-only money movements; a customer's balance is the sum of their entries.

    A payment adds an entry when it becomes Complete and a reversing one when it stops being
    Complete; call charges (negative) will land here too.
    """

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="ledger_entries")
    kind = models.CharField(max_length=10, choices=LedgerKind.choices)
    amount = amount_field(help_text="Signed, in the customer's currency.")
    currency = CurrencyField()
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    description = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer", "amount"], name="ledger_customer_amount")]

    def __str__(self):
        return f"{self.kind} {self.amount} {self.currency}"


class NumberBlock(models.Model):
    """An Internal Number Block (customer_main.md): a customer's SIP extensions are numbers in its blocks."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="number_blocks")
    start = models.PositiveBigIntegerField()
    end = models.PositiveBigIntegerField(help_text="The last number of the block, inclusive.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="number_block_ordered"
            ),
            models.UniqueConstraint(fields=["start"], name="number_block_start_unique"),
        ]

    def __str__(self):
        return f"{self.start}–{self.end}"

    def holds(self, number: int) -> bool:
        return self.start <= number <= self.end
