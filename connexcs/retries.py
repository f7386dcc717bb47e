"""What a task retries on, and how: errors that may pass if the same call is made again later.

A task lists these in `autoretry_for` with `retry_backoff` and `max_retries`; errors in our own
code or data are not here, so they fail once and show up in the log instead of looping.
"""

import smtplib

import dns.exception
import redis.exceptions
from celery import shared_task
from django.db import InterfaceError, OperationalError

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,  # database restarted, fail-over, lock timeout
    InterfaceError,  # connection dropped under us
    ConnectionError,  # refused / reset sockets (SMTP, SMS gateway, Redis)
    TimeoutError,
    smtplib.SMTPServerDisconnected,
    redis.exceptions.ConnectionError,
    dns.exception.Timeout,
)
MAX_RETRIES = 5
# Seconds; exponential backoff (1, 2, 4, ... capped here) with jitter so retries do not arrive together.
RETRY_BACKOFF_MAX = 600


def retrying_task(**options):
    """`shared_task` retrying TRANSIENT_ERRORS with capped exponential backoff; the result is not
    kept unless the caller reads it (`ignore_result=False`)."""
    options.setdefault("ignore_result", True)
    return shared_task(
        autoretry_for=TRANSIENT_ERRORS,
        retry_backoff=True,
        retry_backoff_max=RETRY_BACKOFF_MAX,
        max_retries=MAX_RETRIES,
        **options,
    )
