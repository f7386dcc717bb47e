"""Provider (carrier) cards, their drafts, rows, publishing and rollback."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from connexcs import audit
from connexcs.choices import AuditAction
from connexcs.money import Rounding

from .. import parsing
from ..choices import CardStatus, RevisionState, RowStatus
from ..models import CustomerCard, ProviderCard, ProviderCardRevision, ProviderRate
from .common import check_card_fields, check_money, normalize_prefix, parse_billing, set_fields, user_or_none

RATE_COLUMNS = "revision_id, prefix, name, cost, connect_cost, mcd, pulse, blocked"
DEFAULT_PRECISION = 4
DEFAULT_BILLING = "1/1"


def _check_name_free(*, carrier, name: str, instance: ProviderCard | None = None) -> None:
    clash = ProviderCard.objects.filter(carrier=carrier, name=name)
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        raise ValidationError({"name": "This carrier has a card with this name already."})


@transaction.atomic
def provider_card_create(
    *,
    actor,
    name: str,
    carrier,
    currency: str,
    precision: int = DEFAULT_PRECISION,
    rounding: str = Rounding.UP,
    status: str = CardStatus.ACTIVE,
) -> ProviderCard:
    check_card_fields(currency=currency, precision=precision)
    _check_name_free(carrier=carrier, name=name)
    card = ProviderCard.objects.create(
        name=name, carrier=carrier, currency=currency, precision=precision, rounding=rounding, status=status
    )
    audit.record(actor=actor, action=AuditAction.PROVIDER_CARD_CREATE, obj=card, after=audit.snapshot(card))
    return card


@transaction.atomic
def provider_card_update(
    *,
    actor,
    instance: ProviderCard,
    name: str,
    carrier,
    currency: str,
    precision: int = DEFAULT_PRECISION,
    rounding: str = Rounding.UP,
    status: str = CardStatus.ACTIVE,
) -> ProviderCard:
    check_card_fields(currency=currency, precision=precision)
    _check_name_free(carrier=carrier, name=name, instance=instance)
    before = set_fields(
        instance,
        name=name,
        carrier=carrier,
        currency=currency,
        precision=precision,
        rounding=rounding,
        status=status,
    )
    instance.save()
    audit.record(
        actor=actor,
        action=AuditAction.PROVIDER_CARD_UPDATE,
        obj=instance,
        before=before,
        after=audit.snapshot(instance),
    )
    return instance


def copy_rates(source_id: int, target_id: int) -> None:
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
    draft = ProviderCardRevision.objects.create(card=card, created_by=user_or_none(actor))
    if card.current_revision_id:
        copy_rates(card.current_revision_id, draft.pk)
        draft.row_count = card.current_revision.row_count
        draft.save(update_fields=["row_count"])
    audit.record(actor=actor, action=AuditAction.PROVIDER_CARD_DRAFT_CREATE, obj=card)
    return draft


def draft_for_update(revision: ProviderCardRevision) -> ProviderCardRevision:
    draft = ProviderCardRevision.objects.select_for_update().get(pk=revision.pk)
    if draft.state != RevisionState.DRAFT:
        raise ValidationError("This revision is published and cannot change.")
    return draft


def _rate_values(
    *, prefix: str, name: str, cost: Decimal, connect_cost: Decimal | None, billing: str, status: str
) -> dict:
    mcd, pulse = parse_billing(billing)
    if parsing.CONTROL_RE.search(name or ""):
        raise ValidationError({"name": "Remove the control characters (such as NUL) from the name."})
    return {
        "prefix": normalize_prefix(prefix),
        "name": (name or "").strip()[: parsing.NAME_MAX],
        "cost": check_money(cost, "cost"),
        "connect_cost": check_money(connect_cost if connect_cost is not None else Decimal(0), "connect_cost"),
        "mcd": mcd,
        "pulse": pulse,
        "blocked": status == RowStatus.BLOCKED,
    }


@transaction.atomic
def provider_rate_add(
    *,
    actor,
    revision: ProviderCardRevision,
    prefix: str,
    cost: Decimal,
    name: str = "",
    connect_cost: Decimal | None = None,
    billing: str = DEFAULT_BILLING,
    status: str = RowStatus.ACTIVE,
) -> ProviderRate:
    draft = draft_for_update(revision)
    values = _rate_values(
        prefix=prefix, name=name, cost=cost, connect_cost=connect_cost, billing=billing, status=status
    )
    if draft.rates.filter(prefix=values["prefix"]).exists():
        raise ValidationError({"prefix": f"Prefix {values['prefix']} is in this draft already."})
    rate = ProviderRate.objects.create(revision=draft, **values)
    draft.row_count = draft.rates.count()
    draft.save(update_fields=["row_count"])
    audit.record(actor=actor, action=AuditAction.PROVIDER_RATE_ADD, obj=draft, after=audit.snapshot(rate))
    return rate


@transaction.atomic
def provider_rate_update(
    *,
    actor,
    instance: ProviderRate,
    prefix: str,
    cost: Decimal,
    name: str = "",
    connect_cost: Decimal | None = None,
    billing: str = DEFAULT_BILLING,
    status: str = RowStatus.ACTIVE,
) -> ProviderRate:
    draft_for_update(instance.revision)
    values = _rate_values(
        prefix=prefix, name=name, cost=cost, connect_cost=connect_cost, billing=billing, status=status
    )
    if (
        ProviderRate.objects.filter(revision_id=instance.revision_id, prefix=values["prefix"])
        .exclude(pk=instance.pk)
        .exists()
    ):
        raise ValidationError({"prefix": f"Prefix {values['prefix']} is in this draft already."})
    before = set_fields(instance, **values)
    instance.save()
    audit.record(
        actor=actor,
        action=AuditAction.PROVIDER_RATE_UPDATE,
        obj=instance.revision,
        before=before,
        after=audit.snapshot(instance),
    )
    return instance


@transaction.atomic
def provider_rate_delete(*, actor, instance: ProviderRate) -> None:
    draft = draft_for_update(instance.revision)
    before = audit.snapshot(instance)
    instance.delete()
    draft.row_count = draft.rates.count()
    draft.save(update_fields=["row_count"])
    audit.record(actor=actor, action=AuditAction.PROVIDER_RATE_DELETE, obj=draft, before=before)


def _publish(card: ProviderCard, revision: ProviderCardRevision, actor) -> None:
    number = (card.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    revision.state = RevisionState.PUBLISHED
    revision.number = number
    revision.published_at = timezone.now()
    revision.published_by = user_or_none(actor)
    revision.save()
    card.current_revision = revision
    card.save(update_fields=["current_revision"])
    CustomerCard.objects.filter(providers=card).update(stale=True)


@transaction.atomic
def provider_revision_publish(*, actor, revision: ProviderCardRevision) -> ProviderCardRevision:
    card = ProviderCard.objects.select_for_update().get(pk=revision.card_id)
    draft = draft_for_update(revision)
    draft.row_count = draft.rates.count()
    if draft.row_count == 0:
        raise ValidationError("The draft has no rows; add a row or upload a file first.")
    before = audit.snapshot(card)
    _publish(card, draft, actor)
    audit.record(
        actor=actor,
        action=AuditAction.PROVIDER_CARD_PUBLISH,
        obj=card,
        before=before,
        after=audit.snapshot(card),
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
        created_by=user_or_none(actor),
        note=f"Rollback to r{revision.number}",
    )
    copy_rates(revision.pk, new.pk)
    new.row_count = revision.row_count
    before = audit.snapshot(card)
    _publish(card, new, actor)
    audit.record(
        actor=actor,
        action=AuditAction.PROVIDER_CARD_ROLLBACK,
        obj=card,
        before=before,
        after=audit.snapshot(card),
    )
    return new
