from django.db import models


class CarrierStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"

    @property
    def colour(self) -> str:
        """Bootstrap colour of the status badge."""
        return "success" if self.value == "active" else "secondary"


class CarrierPaymentDirection(models.TextChoices):
    # From the operator's books: money sent to the carrier for its traffic, or received back from it.
    SENT = "sent", "Paid to Carrier"
    RECEIVED = "received", "Received from Carrier"
