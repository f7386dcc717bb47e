"""A transactional outbox: a background job is queued in the same transaction as the write.

`enqueue(task, *args)` writes a row beside the change; once the transaction commits the row is sent
to Celery and deleted. If the broker cannot be reached then, the row stays and `drain()` (a beat
task, and every worker at start-up) sends it later. So a write never commits without its job, and a
broker outage never turns a committed write into an error page. Delivery is at least once: tasks
must tolerate running twice (the rate-card jobs claim their row; mails check a sent flag).
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .celery import app
from .models import OutboxMessage

logger = logging.getLogger(__name__)

# Younger rows are still being sent by their own on-commit hook; the drain leaves them alone.
DRAIN_AFTER = timedelta(seconds=10)
DRAIN_BATCH = 500
ERROR_MAX = 500


def enqueue(task, *args, **kwargs) -> OutboxMessage:
    """Queue `task(*args, **kwargs)` to run once the current transaction commits."""
    message = OutboxMessage.objects.create(task=task.name, args=list(args), kwargs=kwargs)
    transaction.on_commit(lambda: send(message.pk), robust=True)
    return message


def send(pk: int) -> bool:
    """Publish one message and delete its row; False (and the row kept) if the broker is away."""
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
        if message is None:  # sent already, or another process is sending it now
            return False
        try:
            # Few connection tries and no publish retries: the row is the retry, and a page must not
            # wait for Redis (kombu's defaults take about 6 s to give up on a closed port).
            with app.pool.acquire(block=True) as conn:
                conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.1, timeout=2)
                app.send_task(
                    message.task, args=message.args, kwargs=message.kwargs, retry=False, connection=conn
                )
        except Exception as exc:  # any broker failure leaves the row for the drain
            logger.warning("outbox: %s not sent, kept for later: %s", message, exc)
            OutboxMessage.objects.filter(pk=pk).update(
                attempts=F("attempts") + 1, last_error=str(exc)[:ERROR_MAX]
            )
            return False
        message.delete()
    return True


def drain(*, older_than: timedelta = DRAIN_AFTER, limit: int = DRAIN_BATCH) -> int:
    """Send what earlier sends left behind; returns how many went out."""
    cutoff = timezone.now() - older_than
    pks = list(
        OutboxMessage.objects.filter(created_at__lte=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for pk in pks:
        if not send(pk):
            break  # the broker is still away; the next drain tries again
        sent += 1
    return sent
