"""Import a generated deck into a provider card draft and publish it; print one JSON line.

    python bench/import_ratecard.py --rows 500000 [--format csv|xlsx]

Timed: reading, checking every row, COPY into the draft and publishing (what a person waits for
after the upload). Not timed: generating the deck. Cleans up its card afterwards.
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import deck, peak_rss_mb, setup_django


def to_xlsx(csv_path: Path, xlsx_path: Path) -> None:
    import csv

    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    with open(csv_path, newline="") as fh:
        for row in csv.reader(fh):
            ws.append(row)
    wb.save(xlsx_path)


def cleanup(card) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM ratecards_providerrate WHERE revision_id IN "
            "(SELECT id FROM ratecards_providercardrevision WHERE card_id = %s)",
            [card.pk],
        )
    card.current_revision = None
    card.save()
    card.delete()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    args = parser.parse_args()
    setup_django()
    from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: F401

    from carriers.models import Carrier
    from ratecards import services
    from ratecards.models import ImportJob, ProviderCard

    with tempfile.TemporaryDirectory() as tmp:
        path = deck(Path(tmp) / "deck.csv", args.rows)
        if args.format == "xlsx":
            to_xlsx(path, Path(tmp) / "deck.xlsx")
            path = Path(tmp) / "deck.xlsx"
        carrier, _ = Carrier.objects.get_or_create(name="Bench Carrier", defaults={"currency": "USD"})
        ProviderCard.objects.filter(name="bench-import").delete()
        card = services.provider_card_create(actor=None, name="bench-import", carrier=carrier, currency="USD")
        draft = services.provider_draft_create(actor=None, card=card)
        # The upload itself is a file copy; the job reads the file where it lies.
        job = ImportJob.objects.create(
            card=card, revision=draft, path=str(path), filename=path.name, options={}
        )
        started = time.perf_counter()
        job = services.import_run(job_id=job.pk)
        if job.status != "done":
            sys.exit(f"import failed: {job.message} {job.errors[:5]}")
        services.provider_revision_publish(actor=None, revision=job.revision)
        seconds = time.perf_counter() - started
        rows = job.rows_ok
        cleanup(card)
    print(
        json.dumps(
            {
                "rows": rows,
                "format": args.format,
                "seconds": round(seconds, 2),
                "rows_per_s": round(rows / seconds),
                "peak_rss_mb": peak_rss_mb(),
            }
        )
    )


if __name__ == "__main__":
    main()
