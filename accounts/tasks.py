from celery import shared_task

from . import services


@shared_task
def send_password_reset_email(user_id: int) -> None:
    services.user_send_password_reset(user_id=user_id)
