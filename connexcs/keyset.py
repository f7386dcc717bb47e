"""Keyset ("seek") paging: page 1,000 costs what page 1 costs, because no row is skipped by OFFSET.

A page is asked for by a cursor naming the last row seen: its sort value and its id (the tie-breaker,
so rows with equal sort values are neither repeated nor missed). The next page is the rows after that
pair in the sort order, read with a row comparison `(col, id) < (v, id)` that PostgreSQL answers from
an index on (col, id) when there is one.

    page = keyset_page(qs, sort=KeysetSort("start", parse_datetime), descending=True, after=token, size=25)
    page.rows, page.next_token, page.previous_token

Cursors are opaque to the person but not secret: a tampered one is just ignored (page 1).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db.models import QuerySet

_SEP = "~"


@dataclass(frozen=True)
class KeysetSort:
    """A sortable column: its model field, its SQL column, and how to read a cursor's value back."""

    field: str
    parse: Callable[[str], object]


def parse_int(text: str) -> int:
    return int(text)


def parse_decimal(text: str) -> Decimal:
    value = Decimal(text)
    if not value.is_finite():
        raise ValueError(text)
    return value


def parse_datetime(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError(text)
    return value


def encode(value, pk: int) -> str:
    text = value.isoformat() if isinstance(value, datetime) else str(value)
    return f"{text}{_SEP}{pk}"


def decode(token: str | None, sort: KeysetSort) -> tuple[object, int] | None:
    """(value, id) of a cursor, or None when there is none or it does not parse."""
    if not token or _SEP not in token:
        return None
    text, _, pk = token.rpartition(_SEP)
    try:
        return sort.parse(text), int(pk)
    except (ValueError, TypeError, OverflowError, InvalidOperation):
        return None


@dataclass
class KeysetPage:
    rows: list
    next_token: str | None
    previous_token: str | None
    size: int


def _seek(qs: QuerySet, sort: KeysetSort, key: tuple[object, int], *, below: bool) -> QuerySet:
    table = qs.model._meta.db_table
    column = qs.model._meta.get_field(sort.field).column
    pk = qs.model._meta.pk.column
    op = "<" if below else ">"
    where = f'("{table}"."{column}", "{table}"."{pk}") {op} (%s, %s)'
    return qs.extra(where=[where], params=[key[0], key[1]])  # noqa: S610 - names come from the model


def keyset_page(
    qs: QuerySet,
    *,
    sort: KeysetSort,
    descending: bool,
    size: int,
    after: str | None = None,
    before: str | None = None,
) -> KeysetPage:
    """One page of `qs` in (sort, id) order: after the `after` cursor, or before the `before` one."""
    pk = qs.model._meta.pk.name
    sign = "-" if descending else ""
    order = [f"{sign}{sort.field}", f"{sign}{pk}"]
    reverse_order = [f"{'' if descending else '-'}{sort.field}", f"{'' if descending else '-'}{pk}"]
    after_key, before_key = decode(after, sort), decode(before, sort)
    if before_key is not None:
        # Walk backwards from the cursor, then put the page back in reading order.
        rows = list(_seek(qs, sort, before_key, below=not descending).order_by(*reverse_order)[: size + 1])
        more_before = len(rows) > size
        rows = rows[:size][::-1]
        has_previous, has_next = more_before, True
    else:
        page_qs = qs if after_key is None else _seek(qs, sort, after_key, below=descending)
        rows = list(page_qs.order_by(*order)[: size + 1])
        has_next = len(rows) > size
        rows = rows[:size]
        has_previous = after_key is not None

    def token(row) -> str:
        return encode(_value(row, sort.field), _value(row, pk))

    return KeysetPage(
        rows=rows,
        next_token=token(rows[-1]) if rows and has_next else None,
        previous_token=token(rows[0]) if rows and has_previous else None,
        size=size,
    )


def _value(row, name: str):
    return row[name] if isinstance(row, dict) else getattr(row, name)
