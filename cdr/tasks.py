"""Periodic CDR housekeeping in the worker; each task calls one service."""

from connexcs.retries import retrying_task


@retrying_task()
def ensure_partitions() -> None:
    """Periodic: the CDR table's monthly partitions exist a few months ahead."""
    from .services import cdr_partitions_ensure

    cdr_partitions_ensure(actor=None)
