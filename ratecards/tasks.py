"""Rate-card jobs. Each task takes an id, calls one service and owns its retries: a lost database
connection puts the job back in the queue and the task tries again later. Late acknowledgement with
reject-on-worker-lost (settings) brings a task back if its worker dies; the job's claim makes a
second delivery harmless."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "max_retries": 5,
    "acks_late": True,
    "reject_on_worker_lost": True,
}


@shared_task(**RETRY)
def run_import(job_id: int) -> None:
    from .services import import_run

    import_run(job_id=job_id)


@shared_task(**RETRY)
def run_build(job_id: int) -> None:
    from .services import build_run

    build_run(job_id=job_id)


@shared_task(**RETRY)
def reap_jobs() -> int:
    from .services import ratecard_jobs_reap

    return ratecard_jobs_reap()
