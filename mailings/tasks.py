"""Sending a mailing in the worker; the task calls one service."""

from connexcs.retries import retrying_task


@retrying_task()
def run_mailing(mailing_id: int) -> None:
    from .services import mailing_run

    mailing_run(mailing_id=mailing_id)
