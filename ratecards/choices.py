from django.db import models


class CardStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"


class RevisionState(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class RowStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    BLOCKED = "blocked", "Blocked"


class RateCompact(models.TextChoices):
    MIN = "min", "Min"
    MAX = "max", "Max"
    AVG = "avg", "Avg"


class ProfitType(models.TextChoices):
    ABSOLUTE = "absolute", "Absolute"
    RELATIVE = "relative", "Relative"
    PERCENT = "percent", "Percent"


class ApplyTo(models.TextChoices):
    COST = "cost", "Cost"


class ProfitStatus(models.TextChoices):
    PROFIT = "profit", "Profit"
    BLOCKED = "blocked", "Blocked"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    DONE = "done", "Done"

    @property
    def is_active(self) -> bool:
        return self in (JobStatus.QUEUED, JobStatus.RUNNING)

    @property
    def colour(self) -> str:
        """Bootstrap colour of the job's progress bar and message: a failed job is never a blue bar."""
        return {"done": "success", "failed": "danger", "cancelled": "secondary"}.get(self.value, "info")
