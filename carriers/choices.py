from django.db import models


class CarrierStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"

    @property
    def colour(self) -> str:
        """Bootstrap colour of the status badge."""
        return "success" if self.value == "active" else "secondary"
