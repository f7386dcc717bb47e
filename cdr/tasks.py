"""Periodic CDR housekeeping in the worker; each task calls one service."""

from celery import shared_task

from connexcs.retries import MAX_RETRIES, RETRY_BACKOFF_MAX, TRANSIENT_ERRORS


@shared_task(
    ignore_result=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=RETRY_BACKOFF_MAX,
    max_retries=MAX_RETRIES,
)
def ensure_partitions() -> None:
    """Periodic: the CDR table's monthly partitions exist a few months ahead."""
    from .services import cdr_partitions_ensure

    cdr_partitions_ensure(actor=None)
