"""Mail and code delivery in the worker. Each task loads by id and calls one service, imported in
its body because the services import these tasks to enqueue them."""

from celery import shared_task

from connexcs.retries import MAX_RETRIES, RETRY_BACKOFF_MAX, TRANSIENT_ERRORS


@shared_task(
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=RETRY_BACKOFF_MAX,
    max_retries=MAX_RETRIES,
)
def send_password_reset_email(user_id: int) -> None:
    from .services import user_send_password_reset

    user_send_password_reset(user_id=user_id)


@shared_task(
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=RETRY_BACKOFF_MAX,
    max_retries=MAX_RETRIES,
)
def send_verification_code(code_id: int) -> None:
    from .verification import verification_deliver

    verification_deliver(code_id=code_id)


@shared_task(
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=RETRY_BACKOFF_MAX,
    max_retries=MAX_RETRIES,
)
def send_login_email(user_id: int, ip_address: str) -> None:
    from .services import user_send_login_email

    user_send_login_email(user_id=user_id, ip_address=ip_address)
