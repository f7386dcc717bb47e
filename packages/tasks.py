"""The billing run in the worker, scheduled by beat (settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from connexcs.retries import MAX_RETRIES, RETRY_BACKOFF_MAX, TRANSIENT_ERRORS


@shared_task(
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=RETRY_BACKOFF_MAX,
    max_retries=MAX_RETRIES,
)
def bill_packages() -> int:
    """Periodic: charge what is due; a retry or a second run charges nothing twice."""
    from .services import packages_bill

    return packages_bill().charges
