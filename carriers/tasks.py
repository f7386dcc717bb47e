from celery import shared_task


@shared_task(ignore_result=True)
def resolve_gateway(gateway_id: int) -> None:
    from .services import gateway_resolve

    gateway_resolve(gateway_id=gateway_id)
