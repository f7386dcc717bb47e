"""Reads of rate cards, for this app and others."""

import os
import re
import tempfile

from django.db.models import QuerySet

from . import parsing
from .models import CustomerCard, ProviderCard


def customer_card_choices() -> list[tuple[int, str]]:
    """(id, name) of every customer card, for other apps' select boxes."""
    return list(CustomerCard.objects.order_by("name").values_list("pk", "name"))


def provider_card_list(*, actor=None) -> QuerySet[ProviderCard]:
    return ProviderCard.objects.select_related("carrier", "current_revision")


def customer_card_list(*, actor=None) -> QuerySet[CustomerCard]:
    return CustomerCard.objects.select_related("current_revision")


def customer_rates(card: CustomerCard):
    from .models import CustomerCardRate

    if not card.current_revision_id:
        return CustomerCardRate.objects.none()
    return CustomerCardRate.objects.filter(revision_id=card.current_revision_id)


DIFF_SHOWN = 500


def revision_diff(revision) -> dict:
    """Prefixes added, removed and changed against the previous published revision (set-based SQL)."""
    from django.db import connection

    from .models import ProviderCardRevision

    previous = (
        ProviderCardRevision.objects.filter(card_id=revision.card_id, number__lt=revision.number or 10**9)
        .exclude(pk=revision.pk)
        .exclude(number=None)
        .order_by("-number")
        .first()
    )
    sql = """
        SELECT COALESCE(n.prefix, o.prefix),
               CASE WHEN o.prefix IS NULL THEN 'added' WHEN n.prefix IS NULL THEN 'removed'
                    ELSE 'changed' END,
               o.cost, n.cost, o.mcd, o.pulse, n.mcd, n.pulse, o.blocked, n.blocked,
               o.connect_cost, n.connect_cost
        FROM (SELECT * FROM ratecards_providerrate WHERE revision_id = %s) n
        FULL OUTER JOIN (SELECT * FROM ratecards_providerrate WHERE revision_id = %s) o ON o.prefix = n.prefix
        WHERE o.prefix IS NULL OR n.prefix IS NULL OR o.cost <> n.cost OR o.connect_cost <> n.connect_cost
              OR o.mcd <> n.mcd OR o.pulse <> n.pulse OR o.blocked <> n.blocked OR o.name <> n.name
        ORDER BY 1
    """
    counts = {"added": 0, "removed": 0, "changed": 0}
    shown = []
    with connection.cursor() as cursor:
        cursor.execute(sql, [revision.pk, previous.pk if previous else -1])
        for row in cursor:
            counts[row[1]] += 1
            if len(shown) < DIFF_SHOWN:
                shown.append(row)
    return {
        "previous": previous,
        "counts": counts,
        "rows": shown,
        "capped": sum(counts.values()) > len(shown),
    }


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value):
    # A spreadsheet would run a cell that starts like a formula; a leading quote keeps it text.
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def revision_rows_for_export(revision):
    from .models import ProviderRate

    yield ["prefix", "name", "cost", "connect_cost", "billing", "status"]
    rows = ProviderRate.objects.filter(revision=revision).order_by("prefix")
    for r in rows.values_list("prefix", "name", "cost", "connect_cost", "mcd", "pulse", "blocked").iterator(
        chunk_size=5000
    ):
        prefix, name, cost, connect, mcd, pulse, blocked = r
        yield [
            prefix,
            _safe(name),
            f"{cost}",
            f"{connect}",
            f"{mcd}/{pulse}",
            "blocked" if blocked else "active",
        ]


def export_filename(revision, fmt: str) -> str:
    """The download's file name: the card's name with any control character (CR, LF) as a space."""
    name = re.sub(r"[\x00-\x1f\x7f]+", " ", revision.card.name).strip() or "ratecard"
    return f"{name}-r{revision.number or 'draft'}.{fmt}"


def rows_to_xlsx(rows) -> bytes:
    import io

    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Rates")
    for row in rows:
        # XML cannot carry most control characters; a name saved before they were refused keeps
        # its other letters rather than breaking the whole download.
        sheet.append([parsing.CONTROL_RE.sub("", v) if isinstance(v, str) else v for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload_preview(upload) -> parsing.Preview:
    """The first lines of an uploaded sheet; raises parsing.SheetError with a message for the operator."""
    if hasattr(upload, "temporary_file_path"):
        return parsing.preview(upload.temporary_file_path(), upload.name)
    fd, path = tempfile.mkstemp(suffix=os.path.splitext(upload.name)[1][:10])
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        return parsing.preview(path, upload.name)
    finally:
        os.unlink(path)
