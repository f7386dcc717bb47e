"""Mail and code delivery in the worker. Each task loads by id and calls one service, imported in
its body because the services import these tasks to enqueue them."""

from connexcs.retries import retrying_task


@retrying_task()
def send_password_reset_email(user_id: int) -> None:
    from .services import user_send_password_reset

    user_send_password_reset(user_id=user_id)


@retrying_task()
def send_verification_code(code_id: int) -> None:
    from .verification import verification_deliver

    verification_deliver(code_id=code_id)


@retrying_task()
def send_login_email(user_id: int, ip_address: str) -> None:
    from .services import user_send_login_email

    user_send_login_email(user_id=user_id, ip_address=ip_address)
