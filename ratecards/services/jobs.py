"""One runner for import and build jobs: claim, heartbeat, progress, cancel, finish, reap.

A job runs in one database transaction (its rows appear all at once or not at all), so nothing the
worker's own connection writes is visible before the end. While the job runs, a `Heartbeat` thread
with a connection of its own stamps `heartbeat_at` and `progress` on the job row every few seconds
and notices when the row left "running" (cancelled, or reaped). A job whose stamp is older than
`stale_after()` lost its worker: the reaper queues it again (its transaction was rolled back when
the worker's connection dropped) or, after `MAX_ATTEMPTS`, fails it.
"""

import logging
import os
import threading
from datetime import timedelta

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from connexcs import audit

from ..choices import JobStatus
from ..models import ImportJob

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 2
MAX_ATTEMPTS = 3
PROGRESS_RUNNING_MAX = 95  # 100 is for the finished job
ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


class Cancelled(Exception):
    """The job's row left "running" while it ran: cancelled by a person, or reaped."""


def stale_after() -> timedelta:
    return timedelta(seconds=settings.RATECARD_JOB_STALE_SECONDS)


def _dead(now) -> Q:
    return Q(status=JobStatus.RUNNING) & (
        Q(heartbeat_at__lt=now - stale_after()) | Q(heartbeat_at__isnull=True)
    )


def job_claim(model, job_id: int) -> bool:
    """Take the job for this worker: a queued one, or a running one whose worker died. A job
    running with a live heartbeat (a second delivery of its task) is left alone."""
    now = timezone.now()
    claimable = Q(status=JobStatus.QUEUED) | (_dead(now) & Q(attempts__lt=MAX_ATTEMPTS))
    return bool(
        model.objects.filter(claimable, pk=job_id).update(
            status=JobStatus.RUNNING, heartbeat_at=now, attempts=F("attempts") + 1, progress=0
        )
    )


def job_release(model, job_id: int) -> None:
    """Give a running job back to the queue (the database went away; the task retries)."""
    model.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(status=JobStatus.QUEUED)


def job_finish(model, job_id: int, status: str, **values) -> None:
    """End the job; a cancelled job keeps its status but gets the figures and message."""
    values.setdefault("progress", 100)
    values["finished_at"] = timezone.now()
    rows = model.objects.filter(pk=job_id)
    if status == JobStatus.CANCELLED:
        rows.update(**values)
    else:
        rows.exclude(status=JobStatus.CANCELLED).update(status=status, **values)
    if model is ImportJob:
        discard_upload(rows.values_list("path", flat=True).first())


def discard_upload(path: str | None) -> None:
    if path and os.path.exists(path):
        os.unlink(path)


def job_cancel(*, actor, job) -> None:
    updated = (
        type(job)
        .objects.filter(pk=job.pk, status__in=ACTIVE)
        .update(status=JobStatus.CANCELLED, finished_at=timezone.now(), message="Cancelled.")
    )
    if updated:
        audit.record(actor=actor, action=job.cancel_action, obj=job)
        if isinstance(job, ImportJob) and job.status == JobStatus.QUEUED:
            discard_upload(job.path)  # a running import removes its own file when it stops


def job_progress(job) -> int:
    return job.progress


class Heartbeat:
    """Stamp the job row from a thread with its own connection while the job runs (see above)."""

    def __init__(self, model, job_id: int):
        self.table = model._meta.db_table
        self.job_id = job_id
        self.progress = 0
        self.cancelled = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"heartbeat-{self.table}-{job_id}", daemon=True
        )

    def __enter__(self) -> "Heartbeat":
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()

    def check(self, done: int | None = None, total: int | None = None) -> None:
        """Record progress; raise Cancelled once the row left "running"."""
        if done is not None and total:
            self.progress = min(PROGRESS_RUNNING_MAX, done * PROGRESS_RUNNING_MAX // total)
        if self.cancelled.is_set():
            raise Cancelled

    def _run(self) -> None:
        connection = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            while True:
                self._beat(connection)
                if self._stop.wait(HEARTBEAT_SECONDS):
                    break
        finally:
            connection.close()

    def _beat(self, connection) -> None:
        table = connection.ops.quote_name(self.table)
        try:
            with connection.cursor() as cursor:
                # SKIP LOCKED: the job's own transaction may hold the row at its very end.
                cursor.execute(
                    f"UPDATE {table} SET heartbeat_at = now(), progress = %s WHERE id = ("  # noqa: S608
                    f"SELECT id FROM {table} WHERE id = %s AND status = %s FOR UPDATE SKIP LOCKED) "
                    "RETURNING id",
                    [self.progress, self.job_id, JobStatus.RUNNING],
                )
                if cursor.fetchone() is None:
                    cursor.execute(f"SELECT status FROM {table} WHERE id = %s", [self.job_id])  # noqa: S608
                    row = cursor.fetchone()
                    if row is not None and row[0] != JobStatus.RUNNING:
                        self.cancelled.set()
        except DatabaseError:
            logger.warning("heartbeat of %s %s failed; trying again", self.table, self.job_id, exc_info=True)
            connection.close()


@transaction.atomic
def jobs_reap(*, model, task, actor=None) -> int:
    """Queue again (or fail, after MAX_ATTEMPTS) every job of `model` whose worker died."""
    from connexcs import outbox

    reaped = 0
    now = timezone.now()
    for job in model.objects.filter(_dead(now)):
        if job.attempts < MAX_ATTEMPTS:
            # Conditional on the stamp we read: a job that beat meanwhile is alive after all.
            if model.objects.filter(
                pk=job.pk, status=JobStatus.RUNNING, heartbeat_at=job.heartbeat_at
            ).update(status=JobStatus.QUEUED, progress=0):
                outbox.enqueue(task, job.pk)
                audit.record(actor=actor, action=job.reap_action, obj=job, note="queued again")
                reaped += 1
            continue
        if model.objects.filter(pk=job.pk, status=JobStatus.RUNNING, heartbeat_at=job.heartbeat_at).update(
            status=JobStatus.FAILED,
            finished_at=now,
            message=f"The worker stopped {job.attempts} times while running this job; "
            "nothing was changed. Start it again.",
        ):
            if model is ImportJob:
                discard_upload(job.path)
            audit.record(actor=actor, action=job.reap_action, obj=job, note="failed")
            reaped += 1
    return reaped
