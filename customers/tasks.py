from celery import shared_task


@shared_task(ignore_result=True)
def resolve_ipauth(ipauth_id: int) -> None:
    from .services import ipauth_resolve

    ipauth_resolve(ipauth_id=ipauth_id)
