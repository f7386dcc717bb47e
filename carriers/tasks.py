"""DNS look-ups for carrier gateways in the worker. Each task calls one service, imported in its
body because the services import these tasks to enqueue them."""

from django.conf import settings

from connexcs.retries import retrying_task


@retrying_task()
def resolve_gateway(gateway_id: int) -> None:
    from .services import gateway_resolve

    gateway_resolve(gateway_id=gateway_id)


@retrying_task()
def refresh_dns() -> None:
    """Periodic: DNS answers change, so gateway host names and SRV records are looked up again."""
    from .services import gateway_queue_due_resolutions

    gateway_queue_due_resolutions(older_than_seconds=settings.DNS_REFRESH_SECONDS)
