"""DNS look-ups for IP authentication in the worker. Each task calls one service, imported in its
body because the services import these tasks to enqueue them."""

from django.conf import settings

from connexcs.retries import retrying_task


@retrying_task()
def resolve_ipauth(ipauth_id: int) -> None:
    from .services import ipauth_resolve

    ipauth_resolve(ipauth_id=ipauth_id)


@retrying_task()
def refresh_dns() -> None:
    """Periodic: DNS answers change, so host names and SRV records are looked up again."""
    from .services import ipauth_queue_due_resolutions

    ipauth_queue_due_resolutions(older_than_seconds=settings.DNS_REFRESH_SECONDS)


@retrying_task()
def send_payment_confirmation(payment_id: int) -> None:
    from .services import payment_send_confirmation

    payment_send_confirmation(payment_id=payment_id)
