from celery import shared_task


@shared_task(ignore_result=True)
def resolve_ipauth(ipauth_id: int) -> None:
    from .services import ipauth_resolve

    ipauth_resolve(ipauth_id=ipauth_id)


@shared_task(ignore_result=True)
def refresh_dns() -> None:
    """Periodic: DNS answers change, so host names and SRV records are looked up again."""
    from django.conf import settings

    from carriers.services import gateway_queue_due_resolutions

    from .services import ipauth_queue_due_resolutions

    ipauth_queue_due_resolutions(older_than_seconds=settings.DNS_REFRESH_SECONDS)
    gateway_queue_due_resolutions(older_than_seconds=settings.DNS_REFRESH_SECONDS)
