from django.db import models


class Frequency(models.TextChoices):
    ONE_OFF = "one_off", "One-off"
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    YEARLY = "yearly", "Yearly"


class PackageType(models.TextChoices):
    PLAIN = "plain", "Plain"
    FREE_MINUTES = "free_minutes", "Free Minutes"


class ChargeKind(models.TextChoices):
    SETUP = "setup", "Setup"
    RECURRING = "recurring", "Recurring"
    MINIMUM_SPEND = "minimum_spend", "Minimum Spend"
