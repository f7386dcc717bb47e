"""Server mail and the Unreachable sweep. Each task loads by id and calls one service, imported in its
body because the services import these tasks to enqueue them."""

from connexcs.retries import retrying_task


@retrying_task()
def send_ip_email(server_id: int) -> None:
    from .services import server_send_ip_email

    server_send_ip_email(server_id=server_id)


@retrying_task()
def send_unreachable_alert(server_id: int) -> None:
    from .services import server_send_unreachable_alert

    server_send_unreachable_alert(server_id=server_id)


@retrying_task()
def send_expired_alert(server_id: int) -> None:
    from .services import server_send_expired_alert

    server_send_expired_alert(server_id=server_id)


@retrying_task(ignore_result=False)
def mark_expired() -> int:
    from .services import servers_mark_expired

    return len(servers_mark_expired())


@retrying_task(ignore_result=False)
def mark_unreachable() -> int:
    from .services import servers_mark_unreachable

    return len(servers_mark_unreachable())
