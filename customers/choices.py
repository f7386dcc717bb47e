from django.db import models


class CustomerStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"
    PENDING = "pending", "Pending Approval"
    PENALTY = "penalty", "Penalty"

    @property
    def colour(self) -> str:
        """Bootstrap colour of the status badge."""
        return {"active": "success", "penalty": "danger"}.get(self.value, "secondary")


class Direction(models.TextChoices):
    # From the customer switch's point of view, as the reference docs word it.
    INBOUND = "ingress", "This endpoint sends calls"
    OUTBOUND = "egress", "This endpoint receives calls"


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    COMPLETE = "complete", "Complete"
    FAILED = "failed", "Failed"
    REFUNDED = "refunded", "Refunded"


class LedgerKind(models.TextChoices):
    PAYMENT = "payment", "Payment"
    REVERSAL = "reversal", "Payment reversal"
    CHARGE = "charge", "Call charges"
