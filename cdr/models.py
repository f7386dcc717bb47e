"""Call detail records and their hourly rollups.

`Cdr` is a PostgreSQL table range-partitioned by month on `start` (the partitioning is done in the
migration with RunSQL; Django models the parent table). A primary key of a partitioned table must
include the partition key, so the database key is (start, id): `id` is a bigint identity, unique on
its own in practice, and Django treats it as the primary key (it only ever reads rows by id through
selectors that also know the start, or by id alone, which PostgreSQL answers from every partition's
(start, id) index plus the per-partition `id` index).

Idempotency by call id cannot be a unique index on the partitioned table (it would have to include
`start`, and a replay with another start would slip through), so `CdrCallId` keeps one row per call
id ever ingested; the ingest inserts there first with ON CONFLICT DO NOTHING and only the call ids
that were new go on to be rated, stored and charged.

`CdrHourly` is kept in step at ingest (INSERT ... ON CONFLICT DO UPDATE): one row per hour, customer,
carrier (empty = none reached) and prefix, so reports read rollups, not raw rows.
Foreign keys are ids without database constraints: CDRs are history and outlive what they name.
"""

from django.db import models

from connexcs.money import CurrencyField, amount_field, rate_field


class Cdr(models.Model):
    id = models.BigAutoField(primary_key=True)
    call_id = models.CharField("Call ID", max_length=255)
    start = models.DateTimeField(help_text="When the INVITE arrived.")
    answer = models.DateTimeField(null=True, blank=True, help_text="When the call was answered.")
    end = models.DateTimeField(help_text="When the call (or the attempt) ended.")
    duration = models.PositiveIntegerField(default=0, help_text="Answered seconds (end - answer).")
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    ingress_route = models.ForeignKey(
        "routing.IngressRoute",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    carrier = models.ForeignKey(
        "carriers.Carrier",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        help_text="The carrier that carried (or last tried) the call.",
    )
    gateway = models.CharField(max_length=300, blank=True, help_text="host:port the call went to.")
    # [{"carrier": id, "gateway": "host:port", "code": 503}, ...] in the order they were tried.
    tried = models.JSONField(default=list, blank=True)
    number = models.CharField(max_length=40, help_text="The dialled number after the tech prefix.")
    prefix = models.CharField(max_length=20, blank=True, help_text="The customer card's matched prefix.")
    destination = models.CharField(max_length=150, blank=True)
    # The sell side, as routed (customer card, customer's currency).
    currency = CurrencyField()
    rate = rate_field(help_text="Per minute.")
    connect_cost = rate_field(default=0)
    mcd = models.PositiveIntegerField(default=1)
    pulse = models.PositiveIntegerField(default=1)
    # The buy side, as routed (provider card, carrier's currency).
    carrier_currency = CurrencyField(blank=True)
    carrier_prefix = models.CharField(max_length=20, blank=True)
    carrier_rate = rate_field(default=0, help_text="Per minute.")
    carrier_connect_cost = rate_field(default=0)
    carrier_mcd = models.PositiveIntegerField(default=1)
    carrier_pulse = models.PositiveIntegerField(default=1)
    sip_code = models.PositiveSmallIntegerField("SIP Code")
    sip_reason = models.CharField("SIP Reason", max_length=150, blank=True)
    source_ip = models.GenericIPAddressField("Source IP", null=True, blank=True)
    sip_user = models.CharField("SIP User", max_length=64, blank=True)
    # db_default: rows written by SQL that predates the column (COPY, benches) get "".
    cli = models.CharField(
        "CLI",
        max_length=64,
        blank=True,
        db_default="",
        help_text="The caller's number (From or P-Asserted-Identity user).",
    )
    # Computed at ingest by routing.billing.
    billed_seconds = models.PositiveIntegerField(default=0)
    charge = amount_field(default=0, help_text="What the customer pays, in the customer's currency.")
    carrier_billed_seconds = models.PositiveIntegerField(default=0)
    cost = amount_field(default=0, help_text="What the carrier is paid, carrier's currency.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name = "CDR"
        indexes = [
            models.Index(fields=["customer", "start"], name="cdr_customer_start"),
            models.Index(fields=["carrier", "start"], name="cdr_carrier_start"),
        ]

    def __str__(self):
        return f"{self.call_id} {self.number}"

    @property
    def answered(self) -> bool:
        return self.answer is not None


class CdrCallId(models.Model):
    """Every call id ever ingested: what makes a replayed CDR change nothing."""

    call_id = models.CharField(max_length=255, primary_key=True)
    start = models.DateTimeField()

    class Meta:
        verbose_name = "CDR call id"

    def __str__(self):
        return self.call_id


class CdrHourly(models.Model):
    """Traffic per hour, customer, carrier and prefix; kept in step with every CDR ingested."""

    hour = models.DateTimeField()
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    carrier = models.ForeignKey(
        "carriers.Carrier",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        help_text="Empty: no carrier was reached.",
    )
    prefix = models.CharField(max_length=20)
    destination = models.CharField(max_length=150, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    duration = models.BigIntegerField(default=0, help_text="Answered seconds, for ACD.")
    billed_seconds = models.BigIntegerField(default=0)
    revenue = amount_field(default=0, help_text="Customer's currency.")
    cost = amount_field(default=0, help_text="Carrier's currency.")

    class Meta:
        ordering = ["-hour"]
        verbose_name = "CDR hourly rollup"
        constraints = [
            # NULLS NOT DISTINCT (PostgreSQL 15): calls no carrier took share one row per key.
            models.UniqueConstraint(
                fields=["hour", "customer", "carrier", "prefix"], name="cdr_hourly_key", nulls_distinct=False
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "hour"], name="cdr_hourly_customer"),
            models.Index(fields=["carrier", "hour"], name="cdr_hourly_carrier"),
        ]

    def __str__(self):
        return f"{self.hour:%Y-%m-%d %H}h {self.customer_id}/{self.carrier_id} {self.prefix}"


class CarrierCost(models.Model):
    """What the carriers earned from one ingest batch: the carrier side of the ledger."""

    carrier = models.ForeignKey(
        "carriers.Carrier", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    amount = amount_field(help_text="Carrier's currency; what we owe for the calls.")
    currency = CurrencyField()
    calls = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["carrier", "created_at"], name="carrier_cost_carrier")]

    def __str__(self):
        return f"{self.carrier_id} {self.amount} {self.currency}"
