from celery import shared_task

from . import services


@shared_task
def run_import(job_id: int) -> None:
    services.import_run(job_id=job_id)


@shared_task
def run_build(job_id: int) -> None:
    services.build_run(job_id=job_id)
