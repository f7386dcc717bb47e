import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "connexcs.settings")

app = Celery("connexcs")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def drain_outbox_at_start(**_kwargs) -> None:
    # Jobs written while no broker was reachable go out as soon as a worker is back.
    from . import outbox

    try:
        outbox.drain()
    except Exception:  # a worker must start even if the database is briefly away
        outbox.logger.exception("outbox: drain at worker start failed")
