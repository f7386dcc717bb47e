from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse

from connexcs.money import CurrencyField, amount_field
from customers.models import Customer, LedgerEntry

from .choices import ChargeKind, Frequency, PackageType


class Package(models.Model):
    """A product sold to customers: a setup price once, then a price every period."""

    name = models.CharField(max_length=150, unique=True)
    cost = amount_field(default=0, help_text="What you pay for it each period.")
    retail = amount_field(default=0, help_text="What the customer pays each period.")
    setup_cost = amount_field(default=0, help_text="What you pay once, when it is set up.")
    setup_retail = amount_field(default=0, help_text="What the customer pays once, when it is assigned.")
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY)
    frequency_match = ArrayField(
        models.PositiveSmallIntegerField(),
        blank=True,
        default=list,
        help_text=(
            "Days to bill on: days of the month (1-31) for Monthly, days of the week (1 = Monday ... "
            "7 = Sunday) for Weekly. A day a month lacks (31 in a 30-day month) bills on its last day. "
            "Empty: the day of the month or week the package was assigned."
        ),
    )
    description = models.TextField(blank=True)
    minimum_days = models.PositiveIntegerField(
        default=0, help_text="The package cannot be removed from a customer for this many days."
    )
    type = models.CharField(max_length=12, choices=PackageType.choices, default=PackageType.PLAIN)
    destinations = models.CharField(
        max_length=500,
        blank=True,
        help_text="Free Minutes only: prefixes (44, 91, 1) or a pattern such as ^44|^91|^1.",
    )
    free_minutes = models.PositiveIntegerField(default=0, help_text="Free Minutes only: minutes per period.")
    minimum_spend = models.BooleanField(
        default=False,
        help_text="Charge at period end the part of Retail the customer's calls did not spend.",
    )
    enabled = models.BooleanField(default=True, help_text="Only enabled packages can be assigned.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cost__gte=0, retail__gte=0, setup_cost__gte=0, setup_retail__gte=0),
                name="package_prices_not_negative",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("packages:package_edit", kwargs={"pk": self.pk})


class CustomerPackage(models.Model):
    """A package held by a customer from `start_date`; removing it sets `removed_at`."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="packages")
    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="assignments")
    start_date = models.DateField()
    assigned_at = models.DateTimeField(auto_now_add=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # The billing run's cursors: the last day it has looked at, and the latest billing date it met
    # (where the current period started; Minimum Spend looks back to it). None before the first run.
    billed_through = models.DateField(null=True, blank=True)
    last_billing_date = models.DateField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["package__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "package"],
                condition=models.Q(removed_at__isnull=True),
                name="customerpackage_one_active_per_package",
            ),
        ]

    def __str__(self):
        return f"{self.package} for {self.customer}"


class PackageCharge(models.Model):
    """One charge of a package to a customer; the unique key makes every period's charge happen once."""

    customer_package = models.ForeignKey(CustomerPackage, on_delete=models.PROTECT, related_name="charges")
    kind = models.CharField(max_length=14, choices=ChargeKind.choices)
    period = models.DateField(
        help_text="The billing date the period starts on (the assignment date for setup)."
    )
    amount = amount_field()
    currency = CurrencyField()
    ledger_entry = models.OneToOneField(LedgerEntry, on_delete=models.PROTECT, related_name="package_charge")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer_package", "kind", "period"], name="packagecharge_once_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="packagecharge_amount_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.customer_package.package} {self.kind} {self.period}"


class FreeMinutesUsage(models.Model):
    """Seconds of a Free Minutes package spent in one period."""

    customer_package = models.ForeignKey(CustomerPackage, on_delete=models.CASCADE, related_name="usages")
    period_start = models.DateField()
    seconds_used = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["customer_package", "period_start"], name="freeminutesusage_one_per_period"
            ),
        ]

    def __str__(self):
        return f"{self.customer_package} from {self.period_start}: {self.seconds_used} s"
