"""A real `celery -A connexcs worker` process is SIGKILLed in the middle of a 200k-row import and of a
build; the jobs come back by themselves and the card ends as if the crash never happened."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from connexcs.celery import app
from ratecards import services
from ratecards.choices import JobStatus
from ratecards.models import BuildJob, CustomerCardRevision, ImportJob, ProviderRate
from ratecards.tasks import run_build
from tests.helpers import wait_for

from .factories import make_provider_card

ROOT = Path(__file__).resolve().parents[2]
ROWS = 200_000
BOUND = 120  # seconds any one step may take on a loaded machine before the test gives up
STALE_SECONDS = 5  # the heartbeat age after which the workers and the reaper take a job as dead


def _database_url() -> str:
    s = connection.settings_dict
    auth = f"{s['USER']}:{s['PASSWORD']}@" if s.get("USER") else ""
    host = f"{s['HOST']}:{s['PORT'] or 5432}" if s.get("HOST") else ""
    return f"postgres://{auth}{host}/{s['NAME']}"


def _start_worker(media_root) -> subprocess.Popen:
    env = dict(
        os.environ,
        DATABASE_URL=_database_url(),
        REDIS_URL=django_settings.REDIS_URL,
        MEDIA_ROOT=str(media_root),
        RATECARD_JOB_STALE_SECONDS=str(STALE_SECONDS),
    )
    command = "celery -A connexcs worker --pool=prefork --concurrency=1 --loglevel=warning"
    command += " --without-gossip --without-mingle --without-heartbeat"
    return subprocess.Popen(
        [sys.executable, "-m", *command.split()],
        cwd=ROOT,
        env=env,
        start_new_session=True,  # its own process group: SIGKILL takes the pool child too
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _kill(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=BOUND)


def _copy_running(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND query LIKE %s",
            [f"COPY {table} %"],
        )
        return cursor.fetchone()[0] > 0


def _backends_gone(table: str) -> bool:
    return not _copy_running(table)


def _older_than_bound(job) -> bool:
    return (timezone.now() - job.heartbeat_at).total_seconds() > django_settings.RATECARD_JOB_STALE_SECONDS


class Workers:
    def __init__(self, media_root):
        self.media_root = media_root
        self.started: list[subprocess.Popen] = []

    def start(self) -> None:
        self.started.append(_start_worker(self.media_root))

    def kill_all(self) -> None:
        for worker in self.started:
            _kill(worker)


@pytest.fixture
def workers(tmp_path):
    pool = Workers(tmp_path)
    yield pool
    pool.kill_all()


@pytest.mark.django_db(transaction=True)
def test_jobs_survive_a_killed_worker(workers, admin_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    app.control.purge()  # nothing left over from other tests may reach these workers
    card = make_provider_card(actor=admin_user)
    body = "".join(f"{100000 + i},Name {i},0.{i % 1000:03d}1,0,1/1\n" for i in range(ROWS))
    upload = SimpleUploadedFile("deck.csv", ("prefix,name,cost,connect_cost,billing\n" + body).encode())

    # 1. The import: SIGKILL while the rows stream in with COPY.
    workers.start()
    job = services.import_job_create(actor=admin_user, card=card, upload=upload, mapping={})
    assert wait_for(lambda: _copy_running("ratecards_providerrate"), timeout=BOUND, interval=0.01)
    workers.kill_all()
    assert wait_for(lambda: _backends_gone("ratecards_providerrate"), timeout=BOUND)
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.attempts == 1
    assert ProviderRate.objects.filter(revision=job.revision).count() == 0  # rolled back, nothing half-loaded
    assert os.path.exists(job.path)  # kept: the job is not over

    # A second delivery while the heartbeat still looks alive does nothing.
    settings.RATECARD_JOB_STALE_SECONDS = STALE_SECONDS
    assert services.import_run(job_id=job.pk).status == JobStatus.RUNNING
    assert ImportJob.objects.get(pk=job.pk).attempts == 1

    # Once the heartbeat is older than the bound the reaper queues it again; a new worker finishes it.
    assert wait_for(lambda: _older_than_bound(ImportJob.objects.get(pk=job.pk)), timeout=BOUND)
    assert services.ratecard_jobs_reap() == 1
    workers.start()
    assert wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == JobStatus.DONE, timeout=BOUND)
    job.refresh_from_db()
    assert (job.rows_ok, job.attempts) == (ROWS, 2)
    assert ProviderRate.objects.filter(revision=job.revision).count() == ROWS
    assert not os.path.exists(job.path)  # removed once the job ended

    # 2. The build: SIGKILL while the new revision streams in; the published revision stays.
    services.provider_revision_publish(actor=admin_user, revision=job.revision)
    customer = services.customer_card_create(
        actor=admin_user, name="Retail", currency="USD", providers=[card]
    )
    first = services.build_job_create(actor=admin_user, card=customer)
    assert wait_for(lambda: BuildJob.objects.get(pk=first.pk).status == JobStatus.DONE, timeout=BOUND)
    customer.refresh_from_db()
    published = customer.current_revision_id
    build = services.build_job_create(actor=admin_user, card=customer)
    assert wait_for(lambda: _copy_running("ratecards_customercardrate"), timeout=BOUND, interval=0.01)
    workers.kill_all()
    assert wait_for(lambda: _backends_gone("ratecards_customercardrate"), timeout=BOUND)
    customer.refresh_from_db()
    assert customer.current_revision_id == published
    assert CustomerCardRevision.objects.filter(card=customer).count() == 1
    # A stuck build would block the next one; this one is still "running" until its heartbeat dies.
    assert BuildJob.objects.get(pk=build.pk).status == JobStatus.RUNNING

    # The redelivered task of a job whose heartbeat died restarts it cleanly.
    assert wait_for(lambda: _older_than_bound(BuildJob.objects.get(pk=build.pk)), timeout=BOUND)
    workers.start()
    run_build.delay(build.pk)  # as Redis hands out a task whose worker died
    assert wait_for(lambda: BuildJob.objects.get(pk=build.pk).status == JobStatus.DONE, timeout=BOUND)
    customer.refresh_from_db()
    assert CustomerCardRevision.objects.filter(card=customer).count() == 2  # exactly one new revision
    assert customer.current_revision_id == BuildJob.objects.get(pk=build.pk).revision_id != published
    assert customer.current_revision.row_count == ROWS
