"""Provider and customer rate cards with revisions.

A draft is an unpublished revision: rows always belong to a revision, and publishing flips the
card's `current_revision` pointer in one transaction. A published revision is never written again.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from connexcs.choices import AuditAction
from connexcs.money import CurrencyField, Rounding, rate_field

from .choices import (
    ApplyTo,
    CardStatus,
    JobStatus,
    ProfitStatus,
    ProfitType,
    RateCompact,
    RevisionState,
)

PREFIX_MAX = 32


class ExchangeRate(models.Model):
    """1 unit of `from_currency` is worth `rate` units of `to_currency`; maintained by the operator."""

    from_currency = CurrencyField(default=None)
    to_currency = CurrencyField(default=None)
    rate = models.DecimalField(max_digits=20, decimal_places=10)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["from_currency", "to_currency"]
        constraints = [
            models.UniqueConstraint(fields=["from_currency", "to_currency"], name="exchange_rate_pair"),
            models.CheckConstraint(condition=Q(rate__gt=0), name="exchange_rate_positive"),
        ]

    def __str__(self):
        return f"{self.from_currency}/{self.to_currency} {self.rate}"


class ProviderCard(models.Model):
    name = models.CharField(max_length=150)
    carrier = models.ForeignKey("carriers.Carrier", on_delete=models.PROTECT, related_name="provider_cards")
    currency = CurrencyField()
    precision = models.PositiveSmallIntegerField(default=4)
    rounding = models.CharField(max_length=10, choices=Rounding.choices, default=Rounding.UP)
    status = models.CharField(max_length=10, choices=CardStatus.choices, default=CardStatus.ACTIVE)
    current_revision = models.ForeignKey(
        "ProviderCardRevision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["carrier", "name"], name="provider_card_name_per_carrier"),
            models.CheckConstraint(condition=Q(precision__lte=6), name="provider_card_precision"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("ratecards:provider_detail", kwargs={"pk": self.pk})


class ProviderCardRevision(models.Model):
    card = models.ForeignKey(ProviderCard, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(null=True, blank=True)  # given at publish
    state = models.CharField(max_length=10, choices=RevisionState.choices, default=RevisionState.DRAFT)
    row_count = models.PositiveIntegerField(default=0)
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["card", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["card", "number"], name="provider_revision_number"),
            models.UniqueConstraint(
                fields=["card"], condition=Q(state="draft"), name="provider_card_one_draft"
            ),
        ]

    def __str__(self):
        return f"{self.card} r{self.number}" if self.number else f"{self.card} draft"

    @property
    def is_draft(self) -> bool:
        return self.state == RevisionState.DRAFT


class ProviderRate(models.Model):
    # No separate index: the (revision, prefix) unique index serves revision lookups too. No database
    # foreign key either: its per-row check doubled the time of a bulk load, and rows are written only
    # by the services, with the revision id taken from the revision row they hold locked.
    revision = models.ForeignKey(
        ProviderCardRevision,
        on_delete=models.CASCADE,
        related_name="rates",
        db_index=False,
        db_constraint=False,
    )
    prefix = models.CharField(max_length=PREFIX_MAX)
    name = models.CharField(max_length=200, blank=True)
    cost = rate_field()
    connect_cost = rate_field(default=0)
    mcd = models.PositiveIntegerField(default=1)
    pulse = models.PositiveIntegerField(default=1)
    blocked = models.BooleanField(default=False)

    class Meta:
        ordering = ["prefix"]
        constraints = [
            # Also the (revision_id, prefix) index every lookup uses.
            models.UniqueConstraint(fields=["revision", "prefix"], name="provider_rate_prefix"),
            models.CheckConstraint(condition=Q(prefix__regex=r"^[0-9]+$"), name="provider_rate_digits"),
            models.CheckConstraint(condition=Q(cost__gte=0, connect_cost__gte=0), name="provider_rate_cost"),
            models.CheckConstraint(condition=Q(mcd__gte=0, pulse__gte=1), name="provider_rate_billing"),
        ]

    def __str__(self):
        return f"{self.prefix} {self.name}"

    @property
    def billing(self) -> str:
        return f"{self.mcd}/{self.pulse}"


class CustomerCard(models.Model):
    name = models.CharField(max_length=150, unique=True)
    currency = CurrencyField()
    precision = models.PositiveSmallIntegerField(default=4)
    rounding = models.CharField(max_length=10, choices=Rounding.choices, default=Rounding.UP)
    duration_rounding = models.CharField(
        "Duration Rounding",
        max_length=10,
        choices=Rounding.choices,
        default=Rounding.UP,
        help_text="How a call's measured length becomes whole seconds before billing.",
    )
    rate_compact = models.CharField(max_length=3, choices=RateCompact.choices, default=RateCompact.MIN)
    status = models.CharField(max_length=10, choices=CardStatus.choices, default=CardStatus.ACTIVE)
    providers = models.ManyToManyField(
        ProviderCard, through="CustomerCardProvider", related_name="customer_cards", blank=True
    )
    stale = models.BooleanField(default=False)
    current_revision = models.ForeignKey(
        "CustomerCardRevision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(precision__lte=6), name="customer_card_precision"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("ratecards:customer_detail", kwargs={"pk": self.pk})

    def ordered_providers(self):
        return self.providers.order_by("customercardprovider__position", "pk")


class CustomerCardProvider(models.Model):
    customer_card = models.ForeignKey(CustomerCard, on_delete=models.CASCADE)
    provider_card = models.ForeignKey(ProviderCard, on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["customer_card", "provider_card"], name="customer_card_provider"),
        ]

    def __str__(self):
        return f"{self.customer_card_id}:{self.provider_card_id}@{self.position}"


class CustomerCardRevision(models.Model):
    card = models.ForeignKey(CustomerCard, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    row_count = models.PositiveIntegerField(default=0)
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["card", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["card", "number"], name="customer_revision_number"),
        ]

    def __str__(self):
        return f"{self.card} r{self.number}"


class CustomerCardRate(models.Model):
    revision = models.ForeignKey(  # see ProviderRate.revision
        CustomerCardRevision,
        on_delete=models.CASCADE,
        related_name="rates",
        db_index=False,
        db_constraint=False,
    )
    prefix = models.CharField(max_length=PREFIX_MAX)
    name = models.CharField(max_length=200, blank=True)
    rate = rate_field()
    connect_cost = rate_field(default=0)
    mcd = models.PositiveIntegerField(default=1)
    pulse = models.PositiveIntegerField(default=1)
    blocked = models.BooleanField(default=False)
    # Ordered cheapest first: [{"carrier_id", "provider_card_id", "prefix", "cost", "connect_cost",
    # "mcd", "pulse"}], costs as decimal strings in the customer card's currency.
    providers = models.JSONField(default=list)

    class Meta:
        ordering = ["prefix"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "prefix"], name="customer_rate_prefix"),
        ]

    def __str__(self):
        return f"{self.prefix} {self.rate}"


class ProfitRule(models.Model):
    card = models.ForeignKey(CustomerCard, on_delete=models.CASCADE, related_name="profit_rules")
    prefix = models.CharField(max_length=PREFIX_MAX, blank=True)  # blank = the default rule
    name = models.CharField(max_length=200, blank=True)
    profit_type = models.CharField(max_length=10, choices=ProfitType.choices, default=ProfitType.ABSOLUTE)
    value = models.DecimalField(max_digits=14, decimal_places=6, default=0)
    apply_to = models.CharField(max_length=10, choices=ApplyTo.choices, default=ApplyTo.COST)
    mcd = models.PositiveIntegerField(null=True, blank=True)  # blank = worst case of the carriers
    pulse = models.PositiveIntegerField(null=True, blank=True)
    precision = models.PositiveSmallIntegerField(null=True, blank=True)  # blank = the card's
    connect_cost = rate_field(null=True, blank=True)  # blank = the cheapest carrier's
    status = models.CharField(max_length=10, choices=ProfitStatus.choices, default=ProfitStatus.PROFIT)

    class Meta:
        ordering = ["prefix"]
        constraints = [
            models.UniqueConstraint(fields=["card", "prefix"], name="profit_rule_prefix"),
            models.CheckConstraint(condition=Q(prefix__regex=r"^[0-9]*$"), name="profit_rule_digits"),
        ]

    def __str__(self):
        return self.prefix or "Default"


class ImportJob(models.Model):
    card = models.ForeignKey(ProviderCard, on_delete=models.CASCADE, related_name="import_jobs")
    revision = models.ForeignKey(ProviderCardRevision, on_delete=models.CASCADE, related_name="import_jobs")
    path = models.CharField(max_length=500)  # the uploaded file on disk, removed when done
    filename = models.CharField(max_length=255)
    options = models.JSONField(default=dict)  # start row, column mapping, delimiter
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    lines = models.PositiveIntegerField(default=0)
    rows_ok = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)  # first errors only: [line, column, reason]
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Stamped every few seconds by the worker running the job; an old stamp means the worker died.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    cancel_action = AuditAction.IMPORTJOB_CANCEL
    reap_action = AuditAction.IMPORTJOB_REAP

    def __str__(self):
        return f"Import {self.pk} ({self.filename})"

    @property
    def is_active(self) -> bool:
        """Queued or running: the page keeps polling and offers Cancel."""
        return JobStatus(self.status).is_active

    @property
    def status_colour(self) -> str:
        return JobStatus(self.status).colour


class BuildJob(models.Model):
    card = models.ForeignKey(CustomerCard, on_delete=models.CASCADE, related_name="build_jobs")
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.TextField(blank=True)
    revision = models.ForeignKey(CustomerCardRevision, null=True, blank=True, on_delete=models.SET_NULL)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Stamped every few seconds by the worker running the job; an old stamp means the worker died.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # Two builds of one card never run at once.
            models.UniqueConstraint(
                fields=["card"], condition=Q(status__in=["queued", "running"]), name="build_job_one_active"
            ),
        ]

    cancel_action = AuditAction.BUILDJOB_CANCEL
    reap_action = AuditAction.BUILDJOB_REAP

    def __str__(self):
        return f"Build {self.pk} of {self.card}"

    @property
    def is_active(self) -> bool:
        """Queued or running: the page keeps polling and offers Cancel."""
        return JobStatus(self.status).is_active

    @property
    def status_colour(self) -> str:
        return JobStatus(self.status).colour
