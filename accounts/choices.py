from django.db import models

# The permission vocabulary belongs to the core; re-exported so existing imports keep working.
from connexcs.choices import Access, Area, Level

__all__ = ["Access", "Area", "Channel", "DateFormat", "Level", "Role"]


class Role(models.TextChoices):
    ADMIN = "admin", "Administrator"
    USER = "user", "User"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    MOBILE = "mobile", "Mobile"


class DateFormat(models.TextChoices):
    ISO = "Y-m-d", "YYYY-MM-DD"
    EUROPEAN = "d/m/Y", "DD/MM/YYYY"
    AMERICAN = "m/d/Y", "MM/DD/YYYY"
