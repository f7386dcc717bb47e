"""Building a customer card from its carrier cards, as a job."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from connexcs import audit, outbox, versioning
from connexcs.choices import AuditAction

from ..build import CardParams, Provider, Rule, build_lines, convert, micros
from ..choices import JobStatus
from ..models import BuildJob, CustomerCard, CustomerCardRevision, ExchangeRate, ProviderCard
from ..tasks import run_build as run_build_task
from .common import user_or_none
from .exchange_rates import exchange_factor
from .jobs import Cancelled, Heartbeat, job_claim, job_finish, job_release

COPY_CHUNK_LINES = 5000
CUSTOMER_RATE_COPY = (
    "COPY ratecards_customercardrate (revision_id, prefix, name, rate, connect_cost, mcd, pulse, blocked, "
    "providers) FROM STDIN"
)


@transaction.atomic
def build_job_create(*, actor, card: CustomerCard, run: bool = True) -> BuildJob:
    """Queue a build; a second one for the same card while one is queued or running is refused."""
    try:
        with transaction.atomic():
            job = BuildJob.objects.create(card=card, created_by=user_or_none(actor))
    except IntegrityError as exc:
        raise ValidationError("A build of this card is already queued or running.") from exc
    audit.record(actor=actor, action=AuditAction.CUSTOMER_CARD_BUILD_QUEUED, obj=card)
    if run:
        outbox.enqueue(run_build_task, job.pk)
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
                else:  # rounded for ordering and the routing JSON; the exact own-currency cost kept
                    own, own_connect = Decimal(cost), Decimal(connect)
                    c, cc = micros(convert(own, factor)), micros(convert(own_connect, factor))
                    rows[prefix] = (
                        prefix,
                        share(name, name),
                        c,
                        cc,
                        mcd,
                        pulse,
                        blocked,
                        micros(own),
                        micros(own_connect),
                    )
                    continue
                rows[prefix] = (prefix, share(name, name), c, cc, mcd, pulse, blocked)
        providers.append(Provider(pc.carrier_id, pc.pk, rows, factor))
    return providers, revisions


def card_rules(card: CustomerCard) -> list[Rule]:
    return [
        Rule(r.prefix, r.name, r.profit_type, r.value, r.mcd, r.pulse, r.precision, r.connect_cost, r.status)
        for r in card.profit_rules.all()
    ]


def build_run(*, job_id: int) -> BuildJob:
    """Price the card in memory and stream the new revision in with COPY; publish it in the same
    transaction, so a failure, a cancel or a dead worker leaves the current revision as it was."""
    if not job_claim(BuildJob, job_id):
        return BuildJob.objects.get(pk=job_id)
    job = BuildJob.objects.select_related("card").get(pk=job_id)
    try:
        with Heartbeat(BuildJob, job.pk) as beat:
            _build(job, beat)
    except Cancelled:
        job_finish(
            BuildJob, job.pk, JobStatus.CANCELLED, message="Cancelled; the current revision is unchanged."
        )
    except ValidationError as exc:
        job_finish(BuildJob, job.pk, JobStatus.FAILED, message=" ".join(exc.messages))
    except (OperationalError, InterfaceError):
        job_release(BuildJob, job.pk)  # the database went away: the task retries the whole build
        raise
    except Exception as exc:
        job_finish(BuildJob, job.pk, JobStatus.FAILED, message=f"The build failed: {exc}")
        raise
    job.refresh_from_db()
    return job


def _build(job: BuildJob, beat: Heartbeat) -> None:
    card = job.card
    providers, revisions = load_providers(card)
    if not providers:
        raise ValidationError("None of the card's carrier cards has a published revision.")
    params = CardParams(card.precision, card.rounding, card.rate_compact)
    rules = card_rules(card)  # read now: no query may run while COPY holds the connection
    with transaction.atomic():
        try:
            locked = CustomerCard.objects.select_for_update(nowait=True).get(pk=card.pk)
        except DatabaseError as exc:
            raise ValidationError("The card is being changed by someone else; build again shortly.") from exc
        number = (locked.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
        revision = CustomerCardRevision.objects.create(
            card=locked, number=number, created_by=job.created_by, note="Build From Carrier Cards"
        )
        count = 0
        line_prefix = f"{revision.pk}\t"
        buffer: list[str] = []
        # Priced while PostgreSQL parses the previous chunk on the other core.
        with connection.cursor() as cursor, cursor.copy(CUSTOMER_RATE_COPY) as copy:
            for line in build_lines(providers, rules, params, beat.check):
                buffer.append(line_prefix + line)
                if len(buffer) >= COPY_CHUNK_LINES:
                    copy.write("".join(buffer))
                    count += len(buffer)
                    buffer.clear()
            if buffer:
                copy.write("".join(buffer))
                count += len(buffer)
        beat.check()
        revision.row_count = count
        revision.save(update_fields=["row_count"])
        current = dict(ProviderCard.objects.filter(pk__in=revisions).values_list("pk", "current_revision_id"))
        locked.current_revision = revision
        locked.stale = current != revisions
        locked.save(update_fields=["current_revision", "stale"])
        versioning.bump("routing")
        audit.record(
            actor=job.created_by, action=AuditAction.CUSTOMER_CARD_BUILD, obj=locked, note=f"r{number}"
        )
        finished = BuildJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
            status=JobStatus.DONE,
            progress=100,
            revision=revision,
            message=f"Published revision {number} with {count} prefixes.",
            finished_at=timezone.now(),
        )
        if not finished:
            raise Cancelled
