"""Dashboard figures for rate cards: stale customer cards and import/build jobs still running."""

from django.urls import reverse

from accounts.choices import Area
from connexcs.dashboard import Figure
from connexcs.permissions import can

from .choices import JobStatus
from .models import BuildJob, CustomerCard, ImportJob

ACTIVE_JOB = (JobStatus.QUEUED, JobStatus.RUNNING)


def figures(*, user) -> list[Figure]:
    if not can(user, Area.CARD):
        return []
    index = reverse("ratecards:index")
    stale = CustomerCard.objects.filter(stale=True).count()
    imports = ImportJob.objects.filter(status__in=ACTIVE_JOB).count()
    builds = BuildJob.objects.filter(status__in=ACTIVE_JOB).count()
    return [
        Figure(
            "stale_customer_cards",
            "Stale Customer Cards",
            str(stale),
            url=index,
            tone="warning" if stale else "success",
            note="A provider card changed since these were built; Build them to pass the change on.",
        ),
        Figure(
            "running_jobs",
            "Running Jobs",
            str(imports + builds),
            url=index,
            tone="info" if imports + builds else "secondary",
            note=f"Imports: {imports}, builds: {builds} (queued or running).",
        ),
    ]
