"""Uploading a rate sheet into a provider card's draft, as a job."""

import os
import tempfile
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction

from connexcs import audit, outbox
from connexcs.choices import AuditAction

from .. import parsing
from ..choices import JobStatus, RevisionState
from ..models import ImportJob, ProviderCard
from ..tasks import run_import as run_import_task
from .jobs import Cancelled, Heartbeat, job_claim, job_finish, job_release
from .provider_cards import RATE_COLUMNS, draft_for_update, provider_draft_create

COPY_CHUNK_LINES = 5000
PROGRESS_EVERY = 25_000
# Bytes per line, only to size the progress bar before the line count is known.
XLSX_BYTES_PER_LINE = 20
CSV_BYTES_PER_LINE = 40
SUFFIX_MAX = 10


def upload_dir() -> str:
    path = os.path.join(settings.MEDIA_ROOT, "ratecard-uploads")
    os.makedirs(path, exist_ok=True)
    return path


@transaction.atomic
def import_job_create(*, actor, card: ProviderCard, upload, mapping: dict, run: bool = True) -> ImportJob:
    """Save the upload, create the draft if needed, and queue the import with the write."""
    draft = card.revisions.filter(state=RevisionState.DRAFT).first() or provider_draft_create(
        actor=actor, card=card
    )
    fd, path = tempfile.mkstemp(dir=upload_dir(), suffix=os.path.splitext(upload.name)[1][:SUFFIX_MAX])
    with os.fdopen(fd, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    job = ImportJob.objects.create(
        card=card,
        revision=draft,
        path=path,
        filename=upload.name[:255],
        options=mapping,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor=actor, action=AuditAction.PROVIDER_CARD_IMPORT_QUEUED, obj=card, note=upload.name[:200]
    )
    if run:
        outbox.enqueue(run_import_task, job.pk)
    return job


class Rejected(Exception):
    pass


def import_run(*, job_id: int, progress: Callable[[int, int], None] | None = None) -> ImportJob:
    """Check every row while streaming the good ones into the draft with COPY, in one transaction.

    PostgreSQL parses the COPY stream on the other core while Python checks the next rows. If any
    line is bad (or the job is cancelled, or the worker dies) the transaction rolls back, so the
    draft is exactly as it was, and every bad line is still reported.
    """
    if not job_claim(ImportJob, job_id):
        return ImportJob.objects.get(pk=job_id)
    job = ImportJob.objects.select_related("revision").get(pk=job_id)
    mapping = parsing.Mapping.from_dict(job.options)
    checker = parsing.RowChecker(mapping)
    try:
        if not os.path.exists(job.path):
            raise parsing.SheetError("The uploaded file is gone; upload it again.")
        with Heartbeat(ImportJob, job.pk) as beat, transaction.atomic():
            draft = draft_for_update(job.revision)
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM ratecards_providerrate WHERE revision_id = %s", [draft.pk])
                with cursor.copy(f"COPY ratecards_providerrate ({RATE_COLUMNS}) FROM STDIN") as copy:
                    _check_into(job, mapping, checker, copy, f"{draft.pk}\t", beat, progress)
            result = checker.result
            if result.error_count or not result.rows_ok:
                raise Rejected(
                    f"{result.rejected_lines} line(s) rejected; nothing was loaded. Fix them, upload again."
                    if result.error_count
                    else "The file has no rate rows."
                )
            beat.check()
            draft.row_count = result.rows_ok
            draft.save(update_fields=["row_count"])
            audit.record(
                actor=job.created_by, action=AuditAction.PROVIDER_CARD_IMPORT, obj=job.card, note=job.filename
            )
            _finish(job, checker, JobStatus.DONE, f"{result.rows_ok} rows loaded into the draft.")
    except Cancelled:
        _finish(job, checker, JobStatus.CANCELLED, "Cancelled; the draft is unchanged.")
    except (Rejected, parsing.SheetError) as exc:
        _finish(job, checker, JobStatus.FAILED, str(exc))
    except (OperationalError, InterfaceError):
        job_release(ImportJob, job.pk)  # the database went away: the task retries the whole job
        raise
    except Exception as exc:
        _finish(job, checker, JobStatus.FAILED, f"The import failed: {exc}")
        raise
    job.refresh_from_db()
    return job


def _check_into(job, mapping, checker, copy, line_prefix, beat, progress) -> None:
    kind = parsing.sniff_kind(job.path, job.filename)
    size = os.path.getsize(job.path)
    handle = None
    if kind == "xlsx":
        rows = parsing.iter_xlsx(job.path)
        estimate = max(1, size // XLSX_BYTES_PER_LINE)
    else:
        handle, delimiter = parsing.open_csv(job.path)
        rows = parsing.iter_csv(handle, delimiter)
        estimate = max(1, size // CSV_BYTES_PER_LINE)
    check = checker.check  # the careful way, for rows the fast way does not take
    start = mapping.start_row
    buffer: list[str] = []
    clean = True  # once a line is bad nothing more is sent; the rest is only checked
    try:
        for line, cells in rows:
            if line < start:
                continue
            text = checker.fast(line, cells)
            if text is None:
                if not cells or parsing.is_blank(cells):
                    checker.result.lines += 1
                    checker.error(line, "row", "is blank")
                    clean = False
                    continue
                text = check(line, cells)
            if text is None:
                clean = False
            elif clean:
                buffer.append(line_prefix + text)
                if len(buffer) >= COPY_CHUNK_LINES:
                    copy.write("".join(buffer))
                    buffer.clear()
            if line % PROGRESS_EVERY == 0:
                beat.check(line, estimate)
                if progress:
                    progress(line, estimate)
        if clean and buffer:
            copy.write("".join(buffer))
    finally:
        if handle is not None:
            handle.close()
    if checker.result.lines == 0:
        raise parsing.SheetError("The file has no rows after the start row.")


def _finish(job, checker, status, message) -> None:
    result = checker.result
    job_finish(
        ImportJob,
        job.pk,
        status,
        lines=result.lines,
        rows_ok=result.rows_ok if status == JobStatus.DONE else 0,
        error_count=result.error_count,
        errors=result.errors,
        message=message,
    )
