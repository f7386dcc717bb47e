"""The write side of Bulk Edit and Delete (connexcs/bulk.py): the same change or delete on every
ticked row, in one transaction, all or none. Apps' services call these with their own per-row service."""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import models, transaction


def _locked(model: type[models.Model], rows: list, *, field: str, noun: str) -> tuple[list, set]:
    if not rows:
        raise ValidationError({field: f"Tick at least one {noun}."})
    pks = {row.pk for row in rows}
    # Locked in one order, so two bulk writes never deadlock.
    locked = list(model.objects.select_for_update().filter(pk__in=pks).order_by("pk"))
    return locked, pks


@transaction.atomic
def update_each(model, rows: list, *, changes: dict, update: Callable, field: str, noun: str) -> list:
    """`update(row)` for every row (each audits itself); one refusal undoes all, naming the row."""
    locked, pks = _locked(model, rows, field=field, noun=noun)
    if len(locked) != len(pks):
        raise ValidationError({field: f"A chosen {noun} was deleted meanwhile; reload and choose again."})
    if not changes:
        raise ValidationError(
            f"Choose at least one field to change; the others keep each {noun}'s own value."
        )
    updated = []
    for row in locked:
        try:
            updated.append(update(row))
        except ValidationError as exc:
            raise ValidationError(
                {name: [f"{row}: {m}" for m in msgs] for name, msgs in exc.message_dict.items()}
            ) from exc
    return updated


@transaction.atomic
def delete_each(model, rows: list, *, refusals: Callable, delete: Callable, field: str, noun: str) -> int:
    """`delete(row)` for every row, unless `refusals(rows)` names any that must be kept: then none."""
    locked, _ = _locked(model, rows, field=field, noun=noun)
    refused = refusals(locked)
    if refused:
        raise ValidationError({field: [refused[row.pk] for row in locked if row.pk in refused]})
    for row in locked:
        delete(row)
    return len(locked)
