"""The billing run in the worker, scheduled by beat (settings.CELERY_BEAT_SCHEDULE)."""

from connexcs.retries import retrying_task


@retrying_task(ignore_result=False)
def bill_packages() -> int:
    """Periodic: charge what is due; a retry or a second run charges nothing twice."""
    from .services import packages_bill

    return packages_bill().charges
