"""The job runner's rules, without a worker: claims, the reaper, the heartbeat, upload files."""

import os
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from connexcs.choices import AuditAction
from connexcs.models import AuditEvent, OutboxMessage
from ratecards import services
from ratecards.choices import JobStatus
from ratecards.models import BuildJob, ImportJob
from ratecards.services.jobs import MAX_ATTEMPTS, Heartbeat
from tests.helpers import wait_for

from .factories import make_provider_card

DECK = b"prefix,name,cost,connect_cost,billing\n441,UK,0.006,0,1/1\n"


@pytest.fixture
def import_job(admin_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    card = make_provider_card(actor=admin_user)
    upload = SimpleUploadedFile("deck.csv", DECK)
    return services.import_job_create(actor=admin_user, card=card, upload=upload, mapping={}, run=False)


def _running(job, *, beat_age: timedelta, attempts: int = 1):
    type(job).objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, heartbeat_at=timezone.now() - beat_age, attempts=attempts
    )


@pytest.mark.django_db
def test_a_second_delivery_of_a_live_job_does_nothing(import_job):
    _running(import_job, beat_age=timedelta(seconds=1))
    assert services.import_run(job_id=import_job.pk).status == JobStatus.RUNNING
    import_job.refresh_from_db()
    assert import_job.attempts == 1 and os.path.exists(import_job.path)


@pytest.mark.django_db
def test_a_delivery_of_a_dead_job_runs_it_again(import_job, settings):
    _running(import_job, beat_age=timedelta(seconds=settings.RATECARD_JOB_STALE_SECONDS + 1))
    job = services.import_run(job_id=import_job.pk)
    assert (job.status, job.rows_ok, job.attempts) == (JobStatus.DONE, 1, 2)
    assert not os.path.exists(job.path)  # the job ended: its upload is gone


@pytest.mark.django_db
def test_reaper_queues_a_dead_job_again_through_the_outbox(import_job, settings):
    _running(import_job, beat_age=timedelta(seconds=settings.RATECARD_JOB_STALE_SECONDS + 1))
    assert services.ratecard_jobs_reap() == 1
    import_job.refresh_from_db()
    assert import_job.status == JobStatus.QUEUED and os.path.exists(import_job.path)
    assert OutboxMessage.objects.get().args == [import_job.pk]
    assert AuditEvent.objects.filter(action=AuditAction.IMPORTJOB_REAP).count() == 1


@pytest.mark.django_db
def test_reaper_leaves_live_jobs_alone(import_job):
    _running(import_job, beat_age=timedelta(seconds=1))
    assert services.ratecard_jobs_reap() == 0


@pytest.mark.django_db
def test_reaper_fails_a_job_that_keeps_killing_its_worker(import_job, settings):
    _running(
        import_job, beat_age=timedelta(seconds=settings.RATECARD_JOB_STALE_SECONDS + 1), attempts=MAX_ATTEMPTS
    )
    assert services.ratecard_jobs_reap() == 1
    import_job.refresh_from_db()
    assert import_job.status == JobStatus.FAILED and "stopped 3 times" in import_job.message
    assert not os.path.exists(import_job.path)
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_a_stuck_build_stops_blocking_once_reaped(admin_user, settings):
    provider = make_provider_card([("1", "0.01")], actor=admin_user)
    card = services.customer_card_create(actor=admin_user, name="R", currency="USD", providers=[provider])
    job = services.build_job_create(actor=admin_user, card=card, run=False)
    _running(job, beat_age=timedelta(seconds=settings.RATECARD_JOB_STALE_SECONDS + 1), attempts=MAX_ATTEMPTS)
    services.ratecard_jobs_reap()
    assert BuildJob.objects.get(pk=job.pk).status == JobStatus.FAILED
    services.build_job_create(actor=admin_user, card=card, run=False)  # no longer refused


@pytest.mark.django_db
def test_cancelling_a_queued_import_removes_its_upload(import_job, admin_user):
    services.job_cancel(actor=admin_user, job=import_job)
    assert not os.path.exists(import_job.path)


@pytest.mark.django_db(transaction=True)
def test_heartbeat_stamps_the_row_and_notices_a_cancel(import_job, admin_user):
    _running(import_job, beat_age=timedelta(hours=1))
    with Heartbeat(ImportJob, import_job.pk) as beat:
        beat.check(50, 100)
        assert wait_for(lambda: ImportJob.objects.get(pk=import_job.pk).progress == 47, timeout=30)
        assert ImportJob.objects.get(pk=import_job.pk).heartbeat_at > timezone.now() - timedelta(minutes=1)
        services.job_cancel(actor=admin_user, job=import_job)
        assert wait_for(beat.cancelled.is_set, timeout=30)
        with pytest.raises(services.Cancelled):
            beat.check()
