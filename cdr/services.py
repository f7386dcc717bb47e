"""Writes of the CDR app besides the ingest (`cdr.ingest`): keeping monthly partitions ahead."""

from datetime import UTC, date, datetime

from django.db import connection, transaction

from connexcs.audit import record
from connexcs.choices import AuditAction

MONTHS_AHEAD = 3


def _month(day: date, offset: int) -> date:
    index = day.year * 12 + day.month - 1 + offset
    return date(index // 12, index % 12 + 1, 1)


@transaction.atomic
def cdr_partitions_ensure(*, actor, months_ahead: int = MONTHS_AHEAD, today: date | None = None) -> list[str]:
    """Create the monthly CDR partitions from this month to `months_ahead` ahead; the new ones' names.

    Run hourly by beat, so an ingest never has to create the month it writes into (it can, but a
    partition made under traffic takes a lock on the parent table).
    """
    today = today or datetime.now(UTC).date()
    wanted = [_month(today, k) for k in range(months_ahead + 1)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'cdr_cdr'::regclass"
        )
        existing = {row[0] for row in cursor.fetchall()}
        made = []
        for month in wanted:
            if f"cdr_cdr_{month:%Y%m}" not in existing:
                cursor.execute("SELECT cdr_ensure_partition(%s)", [month])
                made.append(cursor.fetchone()[0])
    if made:
        record(actor=actor, action=AuditAction.CDR_PARTITIONS, note=", ".join(made))
    return made
