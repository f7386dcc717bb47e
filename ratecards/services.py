"""Every write to rate cards. Drafts are unpublished revisions; publishing flips a pointer."""

import os
import tempfile
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from connexcs import audit, versioning
from connexcs.money import validate_currency

from . import parsing
from .build import CardParams, Provider, Rule, build_lines, convert, micros
from .choices import JobStatus, RevisionState, RowStatus
from .models import (
    BuildJob,
    CustomerCard,
    CustomerCardProvider,
    CustomerCardRevision,
    ExchangeRate,
    ImportJob,
    ProfitRule,
    ProviderCard,
    ProviderCardRevision,
    ProviderRate,
)

PROGRESS_EVERY = 25_000
RATE_COLUMNS = "revision_id, prefix, name, cost, connect_cost, mcd, pulse, blocked"
CUSTOMER_RATE_COPY = (
    "COPY ratecards_customercardrate (revision_id, prefix, name, rate, connect_cost, mcd, pulse, blocked, "
    "providers) FROM STDIN"
)


def _copy_spool(spool, line_prefix: str, sql: str) -> None:
    """Stream a spooled COPY text file into PostgreSQL, each line led by the revision id."""
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        while lines := spool.readlines(1 << 20):
            copy.write("".join(line_prefix + line for line in lines))


# ---- helpers -----------------------------------------------------------------------------------


def normalize_prefix(value: str, field: str = "prefix") -> str:
    prefix = (value or "").replace(" ", "")
    if prefix.startswith("+"):
        prefix = prefix[1:]
    if not prefix or not prefix.isdigit() or not prefix.isascii():
        raise ValidationError({field: "Use digits only (a leading + and spaces are removed)."})
    if len(prefix) > parsing.PREFIX_MAX:
        raise ValidationError({field: f"At most {parsing.PREFIX_MAX} digits."})
    return prefix


def parse_billing(value: str, field: str = "billing") -> tuple[int, int]:
    match = parsing.BILLING_RE.fullmatch((value or "").strip())
    if not match or int(match[1]) < 1 or int(match[2]) < 1:
        raise ValidationError(
            {field: "Use MCD/Pulse in seconds, each at least 1, such as 1/1, 30/6 or 60/60."}
        )
    return int(match[1]), int(match[2])


def _check_money(value: Decimal, field: str) -> Decimal:
    if value is None or value < 0:
        raise ValidationError({field: "Must be zero or more."})
    if -value.as_tuple().exponent > 6:
        raise ValidationError({field: "At most 6 decimals."})
    return value


def _check_card_fields(*, currency: str, precision: int) -> None:
    try:
        validate_currency(currency)
    except ValidationError as exc:
        raise ValidationError({"currency": exc.messages}) from exc
    if precision is None or not 0 <= precision <= 6:
        raise ValidationError({"precision": "Between 0 and 6 decimal places."})


def _set(obj, **fields) -> dict:
    before = audit.snapshot(obj)
    for key, value in fields.items():
        setattr(obj, key, value)
    return before


# ---- exchange rates ----------------------------------------------------------------------------


@transaction.atomic
def exchange_rate_set(
    *, actor, from_currency: str, to_currency: str, rate: Decimal, instance=None
) -> ExchangeRate:
    for field, code in (("from_currency", from_currency), ("to_currency", to_currency)):
        try:
            validate_currency(code)
        except ValidationError as exc:
            raise ValidationError({field: exc.messages}) from exc
    if from_currency == to_currency:
        raise ValidationError({"to_currency": "Pick a different currency from the first one."})
    if rate is None or rate <= 0:
        raise ValidationError({"rate": "Must be more than zero."})
    clash = ExchangeRate.objects.filter(from_currency=from_currency, to_currency=to_currency)
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        raise ValidationError({"to_currency": f"A rate for {from_currency}/{to_currency} exists already."})
    obj = instance or ExchangeRate()
    before = _set(obj, from_currency=from_currency, to_currency=to_currency, rate=rate) if instance else None
    if instance is None:
        obj.from_currency, obj.to_currency, obj.rate = from_currency, to_currency, rate
    obj.save()
    audit.record(actor=actor, action="exchange_rate.set", obj=obj, before=before, after=audit.snapshot(obj))
    return obj


def exchange_factor(from_currency: str, to_currency: str, table: dict | None = None) -> Decimal:
    """Units of `to_currency` per unit of `from_currency`; the inverse pair is used if only it exists."""
    if from_currency == to_currency:
        return Decimal(1)
    if table is None:
        table = {(r.from_currency, r.to_currency): r.rate for r in ExchangeRate.objects.all()}
    if (from_currency, to_currency) in table:
        return table[(from_currency, to_currency)]
    if (to_currency, from_currency) in table:
        return Decimal(1) / table[(to_currency, from_currency)]
    raise ValidationError(
        f"No exchange rate from {from_currency} to {to_currency}; add one under Exchange Rates."
    )


# ---- provider cards ----------------------------------------------------------------------------


@transaction.atomic
def provider_card_create(
    *,
    actor,
    name: str,
    carrier,
    currency: str,
    precision: int = 4,
    rounding: str = "up",
    status: str = "active",
) -> ProviderCard:
    _check_card_fields(currency=currency, precision=precision)
    if ProviderCard.objects.filter(carrier=carrier, name=name).exists():
        raise ValidationError({"name": "This carrier has a card with this name already."})
    card = ProviderCard.objects.create(
        name=name, carrier=carrier, currency=currency, precision=precision, rounding=rounding, status=status
    )
    audit.record(actor=actor, action="provider_card.create", obj=card, after=audit.snapshot(card))
    return card


@transaction.atomic
def provider_card_update(*, actor, instance: ProviderCard, **fields) -> ProviderCard:
    _check_card_fields(currency=fields["currency"], precision=fields["precision"])
    if (
        ProviderCard.objects.filter(carrier=fields["carrier"], name=fields["name"])
        .exclude(pk=instance.pk)
        .exists()
    ):
        raise ValidationError({"name": "This carrier has a card with this name already."})
    before = _set(instance, **fields)
    instance.save()
    audit.record(
        actor=actor,
        action="provider_card.update",
        obj=instance,
        before=before,
        after=audit.snapshot(instance),
    )
    return instance


def _copy_rates_sql(source_id: int, target_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO ratecards_providerrate ({RATE_COLUMNS}) "  # noqa: S608 - constant column list
            "SELECT %s, prefix, name, cost, connect_cost, mcd, pulse, blocked "
            "FROM ratecards_providerrate WHERE revision_id = %s",
            [target_id, source_id],
        )


@transaction.atomic
def provider_draft_create(*, actor, card: ProviderCard) -> ProviderCardRevision:
    """A draft starts as a copy of the current revision, so edits are made against the live sheet."""
    card = ProviderCard.objects.select_for_update().get(pk=card.pk)
    if card.revisions.filter(state=RevisionState.DRAFT).exists():
        raise ValidationError("This card has a draft already.")
    draft = ProviderCardRevision.objects.create(card=card, created_by=_user(actor))
    if card.current_revision_id:
        _copy_rates_sql(card.current_revision_id, draft.pk)
        draft.row_count = card.current_revision.row_count
        draft.save(update_fields=["row_count"])
    audit.record(actor=actor, action="provider_card.draft_create", obj=card)
    return draft


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _draft_for_update(revision: ProviderCardRevision) -> ProviderCardRevision:
    draft = ProviderCardRevision.objects.select_for_update().get(pk=revision.pk)
    if draft.state != RevisionState.DRAFT:
        raise ValidationError("This revision is published and cannot change.")
    return draft


def _rate_values(*, prefix, name, cost, connect_cost, billing, status) -> dict:
    mcd, pulse = parse_billing(billing)
    return {
        "prefix": normalize_prefix(prefix),
        "name": (name or "").strip()[: parsing.NAME_MAX],
        "cost": _check_money(cost, "cost"),
        "connect_cost": _check_money(
            connect_cost if connect_cost is not None else Decimal(0), "connect_cost"
        ),
        "mcd": mcd,
        "pulse": pulse,
        "blocked": status == RowStatus.BLOCKED,
    }


@transaction.atomic
def provider_rate_add(
    *, actor, revision, prefix, name="", cost, connect_cost=None, billing="1/1", status="active"
) -> ProviderRate:
    draft = _draft_for_update(revision)
    values = _rate_values(
        prefix=prefix, name=name, cost=cost, connect_cost=connect_cost, billing=billing, status=status
    )
    if draft.rates.filter(prefix=values["prefix"]).exists():
        raise ValidationError({"prefix": f"Prefix {values['prefix']} is in this draft already."})
    rate = ProviderRate.objects.create(revision=draft, **values)
    draft.row_count = draft.rates.count()
    draft.save(update_fields=["row_count"])
    audit.record(actor=actor, action="provider_rate.add", obj=draft, after=audit.snapshot(rate))
    return rate


@transaction.atomic
def provider_rate_update(
    *, actor, instance: ProviderRate, prefix, name="", cost, connect_cost=None, billing="1/1", status="active"
) -> ProviderRate:
    _draft_for_update(instance.revision)
    values = _rate_values(
        prefix=prefix, name=name, cost=cost, connect_cost=connect_cost, billing=billing, status=status
    )
    if (
        ProviderRate.objects.filter(revision_id=instance.revision_id, prefix=values["prefix"])
        .exclude(pk=instance.pk)
        .exists()
    ):
        raise ValidationError({"prefix": f"Prefix {values['prefix']} is in this draft already."})
    before = _set(instance, **values)
    instance.save()
    audit.record(
        actor=actor,
        action="provider_rate.update",
        obj=instance.revision,
        before=before,
        after=audit.snapshot(instance),
    )
    return instance


@transaction.atomic
def provider_rate_delete(*, actor, instance: ProviderRate) -> None:
    draft = _draft_for_update(instance.revision)
    before = audit.snapshot(instance)
    instance.delete()
    draft.row_count = draft.rates.count()
    draft.save(update_fields=["row_count"])
    audit.record(actor=actor, action="provider_rate.delete", obj=draft, before=before)


def _publish(card: ProviderCard, revision: ProviderCardRevision, actor) -> None:
    number = (card.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    revision.state = RevisionState.PUBLISHED
    revision.number = number
    revision.published_at = timezone.now()
    revision.published_by = _user(actor)
    revision.save()
    card.current_revision = revision
    card.save(update_fields=["current_revision"])
    CustomerCard.objects.filter(providers=card).update(stale=True)


@transaction.atomic
def provider_revision_publish(*, actor, revision: ProviderCardRevision) -> ProviderCardRevision:
    card = ProviderCard.objects.select_for_update().get(pk=revision.card_id)
    draft = _draft_for_update(revision)
    draft.row_count = draft.rates.count()
    if draft.row_count == 0:
        raise ValidationError("The draft has no rows; add a row or upload a file first.")
    before = audit.snapshot(card)
    _publish(card, draft, actor)
    audit.record(
        actor=actor, action="provider_card.publish", obj=card, before=before, after=audit.snapshot(card)
    )
    return draft


@transaction.atomic
def provider_draft_save(
    *, actor, revision: ProviderCardRevision, new_row: dict | None = None
) -> ProviderCardRevision:
    """Save in the sheet: keep the row being typed, if any, and publish the draft."""
    if new_row:
        provider_rate_add(actor=actor, revision=revision, **new_row)
    return provider_revision_publish(actor=actor, revision=revision)


@transaction.atomic
def provider_revision_rollback(*, actor, revision: ProviderCardRevision) -> ProviderCardRevision:
    """Publish the rows of an old revision again, as a new revision."""
    card = ProviderCard.objects.select_for_update().get(pk=revision.card_id)
    if revision.state != RevisionState.PUBLISHED:
        raise ValidationError("Only a published revision can be rolled back to.")
    new = ProviderCardRevision.objects.create(
        card=card,
        state=RevisionState.PUBLISHED,
        created_by=_user(actor),
        note=f"Rollback to r{revision.number}",
    )
    _copy_rates_sql(revision.pk, new.pk)
    new.row_count = revision.row_count
    before = audit.snapshot(card)
    _publish(card, new, actor)
    audit.record(
        actor=actor, action="provider_card.rollback", obj=card, before=before, after=audit.snapshot(card)
    )
    return new


# ---- imports -----------------------------------------------------------------------------------


def upload_dir() -> str:
    path = os.path.join(settings.MEDIA_ROOT, "ratecard-uploads")
    os.makedirs(path, exist_ok=True)
    return path


@transaction.atomic
def import_job_create(*, actor, card: ProviderCard, upload, mapping: dict, run: bool = True) -> ImportJob:
    """Save the upload, create the draft if needed, and queue the import after commit."""
    draft = card.revisions.filter(state=RevisionState.DRAFT).first() or provider_draft_create(
        actor=actor, card=card
    )
    fd, path = tempfile.mkstemp(dir=upload_dir(), suffix=os.path.splitext(upload.name)[1][:10])
    with os.fdopen(fd, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    job = ImportJob.objects.create(
        card=card,
        revision=draft,
        path=path,
        filename=upload.name[:255],
        options=mapping,
        created_by=_user(actor),
    )
    audit.record(actor=actor, action="provider_card.import_queued", obj=card, note=upload.name[:200])
    if run:
        from .tasks import run_import

        transaction.on_commit(lambda: run_import.delay(job.pk))
    return job


def _cancel_key(job) -> str:
    return f"ratecards:cancel:{type(job).__name__}:{job.pk}"


def job_cancel(*, actor, job) -> None:
    cache.set(_cancel_key(job), True, 3600)
    updated = (
        type(job)
        .objects.filter(pk=job.pk, status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
        .update(status=JobStatus.CANCELLED, finished_at=timezone.now(), message="Cancelled.")
    )
    if updated:
        audit.record(actor=actor, action=f"{type(job).__name__.lower()}.cancel", obj=job)


class Cancelled(Exception):
    pass


def _still_running(model, pk) -> None:
    if model.objects.filter(pk=pk).values_list("status", flat=True).first() != JobStatus.RUNNING:
        raise Cancelled


def job_progress(job) -> int:
    """Progress of a running job: the worker's transaction is still open, so it lives in the cache."""
    if job.status in (JobStatus.QUEUED, JobStatus.RUNNING):
        return cache.get(f"ratecards:{type(job).__name__}:{job.pk}", job.progress)
    return job.progress


def _report(job, percent: int) -> None:
    cache.set(f"ratecards:{type(job).__name__}:{job.pk}", percent, 3600)


class Rejected(Exception):
    pass


def import_run(*, job_id: int, progress: Callable[[int, int], None] | None = None) -> ImportJob:
    """Check every row while streaming the good ones into the draft with COPY, in one transaction.

    PostgreSQL parses the COPY stream on the other core while Python checks the next rows. If any
    line is bad (or the job is cancelled) the transaction rolls back, so the draft is exactly as it
    was, and every bad line is still reported.
    """
    started = ImportJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(status=JobStatus.RUNNING)
    job = ImportJob.objects.get(pk=job_id)
    if not started:
        return job
    cache.delete(_cancel_key(job))  # a cancel before the start is already in the status row
    mapping = parsing.Mapping.from_dict(job.options)
    checker = parsing.RowChecker(mapping)
    try:
        with transaction.atomic():
            draft = _draft_for_update(job.revision)
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM ratecards_providerrate WHERE revision_id = %s", [draft.pk])
                with cursor.copy(f"COPY ratecards_providerrate ({RATE_COLUMNS}) FROM STDIN") as copy:
                    _check_into(job, mapping, checker, copy, f"{draft.pk}\t", progress)
            result = checker.result
            if result.error_count or not result.rows_ok:
                raise Rejected(
                    f"{result.error_count} line(s) rejected; nothing was loaded. Fix them and upload again."
                    if result.error_count
                    else "The file has no rate rows."
                )
            _still_running(ImportJob, job.pk)
            draft.row_count = result.rows_ok
            draft.save(update_fields=["row_count"])
            audit.record(actor=job.created_by, action="provider_card.import", obj=job.card, note=job.filename)
            return _finish_import(
                job, checker, JobStatus.DONE, f"{result.rows_ok} rows loaded into the draft."
            )
    except Cancelled:
        return _finish_import(job, checker, JobStatus.CANCELLED, "Cancelled; the draft is unchanged.")
    except Rejected as exc:
        return _finish_import(job, checker, JobStatus.FAILED, str(exc))
    except parsing.SheetError as exc:
        return _finish_import(job, checker, JobStatus.FAILED, str(exc))
    except Exception as exc:
        _finish_import(job, checker, JobStatus.FAILED, f"The import failed: {exc}")
        raise
    finally:
        if job.path and os.path.exists(job.path):
            os.unlink(job.path)


def _check_into(job, mapping, checker, copy, line_prefix, progress) -> None:
    kind = parsing.sniff_kind(job.path, job.filename)
    size = os.path.getsize(job.path)
    handle = None
    if kind == "xlsx":
        rows = parsing.iter_xlsx(job.path)
        estimate = max(1, size // 20)  # only for the progress bar
    else:
        handle, delimiter = parsing.open_csv(job.path)
        rows = parsing.iter_csv(handle, delimiter)
        estimate = max(1, size // 40)
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
                if len(buffer) >= 5000:
                    copy.write("".join(buffer))
                    buffer.clear()
            if line % PROGRESS_EVERY == 0:
                # The connection is busy with COPY, so the cancel flag is read from the cache.
                if cache.get(_cancel_key(job)):
                    raise Cancelled
                _report(job, min(95, line * 100 // estimate))
                if progress:
                    progress(line, estimate)
        if clean and buffer:
            copy.write("".join(buffer))
    finally:
        if handle is not None:
            handle.close()
    if checker.result.lines == 0:
        raise parsing.SheetError("The file has no rows after the start row.")


def _finish_import(job, checker, status, message) -> ImportJob:
    result = checker.result
    values = {
        "progress": 100,
        "lines": result.lines,
        "rows_ok": result.rows_ok if status == JobStatus.DONE else 0,
        "error_count": result.error_count,
        "errors": result.errors,
        "message": message,
        "finished_at": timezone.now(),
    }
    if status == JobStatus.CANCELLED:
        ImportJob.objects.filter(pk=job.pk).update(**values)
    else:
        ImportJob.objects.filter(pk=job.pk).exclude(status=JobStatus.CANCELLED).update(
            status=status, **values
        )
    job.refresh_from_db()
    return job


# ---- customer cards ----------------------------------------------------------------------------


def _set_providers(card: CustomerCard, providers) -> None:
    CustomerCardProvider.objects.filter(customer_card=card).delete()
    CustomerCardProvider.objects.bulk_create(
        CustomerCardProvider(customer_card=card, provider_card=p, position=i) for i, p in enumerate(providers)
    )


@transaction.atomic
def customer_card_create(
    *, actor, name, currency, providers, rate_compact="min", precision=4, rounding="up", status="active"
) -> CustomerCard:
    _check_card_fields(currency=currency, precision=precision)
    if not providers:
        raise ValidationError({"providers": "Pick at least one carrier card."})
    if CustomerCard.objects.filter(name=name).exists():
        raise ValidationError({"name": "A customer card with this name exists already."})
    card = CustomerCard.objects.create(
        name=name,
        currency=currency,
        rate_compact=rate_compact,
        precision=precision,
        rounding=rounding,
        status=status,
    )
    _set_providers(card, providers)
    audit.record(actor=actor, action="customer_card.create", obj=card, after=audit.snapshot(card))
    return card


@transaction.atomic
def customer_card_update(*, actor, instance: CustomerCard, providers, **fields) -> CustomerCard:
    _check_card_fields(currency=fields["currency"], precision=fields["precision"])
    if not providers:
        raise ValidationError({"providers": "Pick at least one carrier card."})
    if CustomerCard.objects.filter(name=fields["name"]).exclude(pk=instance.pk).exists():
        raise ValidationError({"name": "A customer card with this name exists already."})
    before = _set(instance, **fields)
    instance.stale = True  # its sources or pricing changed; a build brings it up to date
    instance.save()
    _set_providers(instance, providers)
    audit.record(
        actor=actor,
        action="customer_card.update",
        obj=instance,
        before=before,
        after=audit.snapshot(instance),
    )
    return instance


def _rule_values(
    *, prefix, name, profit_type, value, apply_to, billing, precision, connect_cost, status
) -> dict:
    mcd = pulse = None
    if billing:
        mcd, pulse = parse_billing(billing)
    if value is None:
        raise ValidationError({"value": "Enter a value."})
    if -value.as_tuple().exponent > 6:
        raise ValidationError({"value": "At most 6 decimals."})
    if profit_type == "absolute" and value < 0:
        raise ValidationError({"value": "An absolute price cannot be negative."})
    if precision is not None and not 0 <= precision <= 6:
        raise ValidationError({"precision": "Between 0 and 6 decimal places."})
    if connect_cost is not None:
        _check_money(connect_cost, "connect_cost")
    return {
        "prefix": normalize_prefix(prefix) if prefix else "",
        "name": name or "",
        "profit_type": profit_type,
        "value": value,
        "apply_to": apply_to or "cost",
        "mcd": mcd,
        "pulse": pulse,
        "precision": precision,
        "connect_cost": connect_cost,
        "status": status,
    }


@transaction.atomic
def profit_rule_create(*, actor, card: CustomerCard, **fields) -> ProfitRule:
    values = _rule_values(**fields)
    if card.profit_rules.filter(prefix=values["prefix"]).exists():
        raise ValidationError({"prefix": "This card has a rule for this prefix already."})
    rule = ProfitRule.objects.create(card=card, **values)
    CustomerCard.objects.filter(pk=card.pk).update(stale=True)
    audit.record(actor=actor, action="profit_rule.create", obj=card, after=audit.snapshot(rule))
    return rule


@transaction.atomic
def profit_rule_update(*, actor, instance: ProfitRule, **fields) -> ProfitRule:
    values = _rule_values(**fields)
    if instance.card.profit_rules.filter(prefix=values["prefix"]).exclude(pk=instance.pk).exists():
        raise ValidationError({"prefix": "This card has a rule for this prefix already."})
    before = _set(instance, **values)
    instance.save()
    CustomerCard.objects.filter(pk=instance.card_id).update(stale=True)
    audit.record(
        actor=actor,
        action="profit_rule.update",
        obj=instance.card,
        before=before,
        after=audit.snapshot(instance),
    )
    return instance


@transaction.atomic
def profit_rule_delete(*, actor, instance: ProfitRule) -> None:
    before = audit.snapshot(instance)
    card = instance.card
    instance.delete()
    CustomerCard.objects.filter(pk=card.pk).update(stale=True)
    audit.record(actor=actor, action="profit_rule.delete", obj=card, before=before)


@transaction.atomic
def build_job_create(*, actor, card: CustomerCard, run: bool = True) -> BuildJob:
    """Queue a build; a second one for the same card while one is queued or running is refused."""
    try:
        with transaction.atomic():
            job = BuildJob.objects.create(card=card, created_by=_user(actor))
    except IntegrityError as exc:
        raise ValidationError("A build of this card is already queued or running.") from exc
    audit.record(actor=actor, action="customer_card.build_queued", obj=card)
    if run:
        from .tasks import run_build

        transaction.on_commit(lambda: run_build.delay(job.pk))
    return job


def build_stale_cards(*, actor) -> list[BuildJob]:
    jobs = []
    for card in CustomerCard.objects.filter(stale=True):
        try:
            jobs.append(build_job_create(actor=actor, card=card))
        except ValidationError:
            continue  # already building
    return jobs


def load_providers(card: CustomerCard) -> tuple[list[Provider], dict[int, int]]:
    """Each provider card's current revision, costs converted to the customer card's currency."""
    table = {(r.from_currency, r.to_currency): r.rate for r in ExchangeRate.objects.all()}
    providers, revisions = [], {}
    # Carriers' decks share most prefixes and repeat a few hundred names: one string each.
    shared: dict[str, str] = {}
    share = shared.setdefault
    for pc in card.ordered_providers().select_related("carrier"):
        if not pc.current_revision_id:
            continue
        factor = exchange_factor(pc.currency, card.currency, table)
        revisions[pc.pk] = pc.current_revision_id
        rows = {}
        with connection.cursor() as cursor:
            # Numeric as text: exactly 6 decimals, turned into whole millionths without a Decimal.
            cursor.execute(
                "SELECT prefix, name, cost::text, connect_cost::text, mcd, pulse, blocked "
                "FROM ratecards_providerrate WHERE revision_id = %s",
                [pc.current_revision_id],
            )
            same = factor == 1
            for prefix, name, cost, connect, mcd, pulse, blocked in cursor:  # row by row, not fetchall
                prefix = share(prefix, prefix)
                if same and cost[-7] == "." and connect[-7] == ".":  # the usual 6-decimal text
                    c, cc = int(cost[:-7] + cost[-6:]), int(connect[:-7] + connect[-6:])
                elif same:
                    c, cc = micros(cost), micros(connect)
                else:
                    c, cc = micros(convert(Decimal(cost), factor)), micros(convert(Decimal(connect), factor))
                rows[prefix] = (prefix, share(name, name), c, cc, mcd, pulse, blocked)
        providers.append(Provider(pc.carrier_id, pc.pk, rows))
    return providers, revisions


def card_rules(card: CustomerCard) -> list[Rule]:
    return [
        Rule(r.prefix, r.name, r.profit_type, r.value, r.mcd, r.pulse, r.precision, r.connect_cost, r.status)
        for r in card.profit_rules.all()
    ]


def build_run(*, job_id: int) -> BuildJob:
    """Price the card in memory and stream the new revision in with COPY; publish it in the same
    transaction, so a failure or a cancel leaves the current revision exactly as it was."""
    started = BuildJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(status=JobStatus.RUNNING)
    job = BuildJob.objects.select_related("card").get(pk=job_id)
    if not started:
        return job
    cache.delete(_cancel_key(job))  # a cancel before the start is already in the status row
    card = job.card
    try:
        providers, revisions = load_providers(card)
        if not providers:
            raise ValidationError("None of the card's carrier cards has a published revision.")
        params = CardParams(card.precision, card.rounding, card.rate_compact)
        rules = card_rules(card)  # read now: no query may run while COPY holds the connection

        def progress(done, total):
            # The connection is busy with COPY: progress and the cancel flag go through the cache.
            if cache.get(_cancel_key(job)):
                raise Cancelled
            _report(job, min(95, done * 95 // max(total, 1)))

        with transaction.atomic():
            try:
                locked = CustomerCard.objects.select_for_update(nowait=True).get(pk=card.pk)
            except DatabaseError as exc:
                raise ValidationError(
                    "The card is being changed by someone else; build again shortly."
                ) from exc
            number = (locked.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
            revision = CustomerCardRevision.objects.create(
                card=locked, number=number, created_by=job.created_by, note="Build From Carrier Cards"
            )
            count = 0
            line_prefix = f"{revision.pk}\t"
            buffer: list[str] = []
            # Priced while PostgreSQL parses the previous chunk on the other core.
            with connection.cursor() as cursor, cursor.copy(CUSTOMER_RATE_COPY) as copy:
                for line in build_lines(providers, rules, params, progress):
                    buffer.append(line_prefix + line)
                    if len(buffer) >= 5000:
                        copy.write("".join(buffer))
                        count += len(buffer)
                        buffer.clear()
                if buffer:
                    copy.write("".join(buffer))
                    count += len(buffer)
            _still_running(BuildJob, job.pk)
            revision.row_count = count
            revision.save(update_fields=["row_count"])
            current = dict(
                ProviderCard.objects.filter(pk__in=revisions).values_list("pk", "current_revision_id")
            )
            locked.current_revision = revision
            locked.stale = current != revisions
            locked.save(update_fields=["current_revision", "stale"])
            versioning.bump("routing")
            audit.record(actor=job.created_by, action="customer_card.build", obj=locked, note=f"r{number}")
            finished = BuildJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
                status=JobStatus.DONE,
                progress=100,
                revision=revision,
                message=f"Published revision {number} with {count} prefixes.",
                finished_at=timezone.now(),
            )
            if not finished:
                raise Cancelled
    except Cancelled:
        _end_build(job, JobStatus.CANCELLED, "Cancelled; the current revision is unchanged.")
    except ValidationError as exc:
        _end_build(job, JobStatus.FAILED, " ".join(exc.messages))
    except Exception as exc:
        _end_build(job, JobStatus.FAILED, f"The build failed: {exc}")
        raise
    job.refresh_from_db()
    return job


def _end_build(job, status, message) -> None:
    BuildJob.objects.filter(pk=job.pk).exclude(status=JobStatus.CANCELLED).update(
        status=status, message=message, finished_at=timezone.now()
    )
    if status == JobStatus.CANCELLED:
        BuildJob.objects.filter(pk=job.pk).update(message=message)
