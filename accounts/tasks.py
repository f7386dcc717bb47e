from celery import shared_task

from . import services, verification


@shared_task
def send_password_reset_email(user_id: int) -> None:
    services.user_send_password_reset(user_id=user_id)


@shared_task
def send_verification_code(code_id: int) -> None:
    verification.verification_deliver(code_id=code_id)


@shared_task
def send_login_email(user_id: int, ip_address: str) -> None:
    services.user_send_login_email(user_id=user_id, ip_address=ip_address)
