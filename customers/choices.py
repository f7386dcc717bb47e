from django.db import models


class CustomerStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"
    PENDING = "pending", "Pending Approval"
    PENALTY = "penalty", "Penalty"
