"""The periodic check for jobs whose worker died (see jobs.py)."""

from ..models import BuildJob, ImportJob
from ..tasks import run_build as run_build_task
from ..tasks import run_import as run_import_task
from .jobs import jobs_reap


def ratecard_jobs_reap(*, actor=None) -> int:
    """Queue again, or fail, every import and build job whose heartbeat stopped."""
    return jobs_reap(model=ImportJob, task=run_import_task, actor=actor) + jobs_reap(
        model=BuildJob, task=run_build_task, actor=actor
    )
