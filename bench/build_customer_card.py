"""Build a customer card from K generated provider cards of N rows each; print one JSON line.

    python bench/build_customer_card.py --cards 3 --rows 100000

Timed: the build job (load the provider revisions, price every prefix by LCR, COPY the new
revision, publish). Not timed: generating and importing the decks. Cleans up afterwards.
peak_rss_mb is the whole process; peak_rss_before_build_mb is the peak of the untimed import part,
so when the two are equal the build did not raise the peak at all.
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import deck, peak_rss_mb, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=3)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    setup_django()
    from decimal import Decimal

    from django.db import connection

    from carriers.models import Carrier
    from ratecards import services
    from ratecards.models import CustomerCard, ImportJob, ProviderCard

    cleanup(connection)
    providers = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(1, args.cards + 1):
            carrier, _ = Carrier.objects.get_or_create(
                name=f"Bench Carrier {i}", defaults={"currency": "USD"}
            )
            card = services.provider_card_create(
                actor=None, name="bench-build", carrier=carrier, currency="USD"
            )
            draft = services.provider_draft_create(actor=None, card=card)
            path = deck(Path(tmp) / f"deck{i}.csv", args.rows, carrier=i)
            job = ImportJob.objects.create(
                card=card, revision=draft, path=str(path), filename="d.csv", options={}
            )
            job = services.import_run(job_id=job.pk)
            assert job.status == "done", job.message
            services.provider_revision_publish(actor=None, revision=job.revision)
            providers.append(card)
    customer = services.customer_card_create(
        actor=None, name="bench-build", currency="USD", providers=providers, rate_compact="min"
    )
    services.profit_rule_create(
        actor=None,
        card=customer,
        prefix="",
        name="Default",
        profit_type="percent",
        value=Decimal("10"),
        apply_to="cost",
        billing="",
        precision=None,
        connect_cost=None,
        status="profit",
    )
    job = services.build_job_create(actor=None, card=customer, run=False)
    before_build = peak_rss_mb()  # the imports above have their own peak; the build's is what we watch
    started = time.perf_counter()
    job = services.build_run(job_id=job.pk)
    seconds = time.perf_counter() - started
    if job.status != "done":
        sys.exit(f"build failed: {job.message}")
    output = job.revision.row_count
    cleanup(connection)
    print(
        json.dumps(
            {
                "cards": args.cards,
                "rows_per_card": args.rows,
                "output_prefixes": output,
                "seconds": round(seconds, 2),
                "peak_rss_mb": peak_rss_mb(),
                "peak_rss_before_build_mb": before_build,
            }
        )
    )
    del CustomerCard, ProviderCard


def cleanup(connection) -> None:
    with connection.cursor() as cursor:
        for sql in (
            "DELETE FROM ratecards_customercardrate WHERE revision_id IN (SELECT r.id FROM "
            "ratecards_customercardrevision r JOIN ratecards_customercard c ON c.id = r.card_id "
            "WHERE c.name = 'bench-build')",
            "UPDATE ratecards_customercard SET current_revision_id = NULL WHERE name = 'bench-build'",
            "DELETE FROM ratecards_buildjob WHERE card_id IN "
            "(SELECT id FROM ratecards_customercard WHERE name = 'bench-build')",
            "DELETE FROM ratecards_customercardrevision WHERE card_id IN "
            "(SELECT id FROM ratecards_customercard WHERE name = 'bench-build')",
            "DELETE FROM ratecards_profitrule WHERE card_id IN "
            "(SELECT id FROM ratecards_customercard WHERE name = 'bench-build')",
            "DELETE FROM ratecards_customercardprovider WHERE customer_card_id IN "
            "(SELECT id FROM ratecards_customercard WHERE name = 'bench-build')",
            "DELETE FROM ratecards_customercard WHERE name = 'bench-build'",
            "DELETE FROM ratecards_providerrate WHERE revision_id IN (SELECT r.id FROM "
            "ratecards_providercardrevision r JOIN ratecards_providercard c ON c.id = r.card_id "
            "WHERE c.name = 'bench-build')",
            "DELETE FROM ratecards_importjob WHERE card_id IN "
            "(SELECT id FROM ratecards_providercard WHERE name = 'bench-build')",
            "UPDATE ratecards_providercard SET current_revision_id = NULL WHERE name = 'bench-build'",
            "DELETE FROM ratecards_providercardrevision WHERE card_id IN "
            "(SELECT id FROM ratecards_providercard WHERE name = 'bench-build')",
            "DELETE FROM ratecards_providercard WHERE name = 'bench-build'",
        ):
            cursor.execute(sql)


if __name__ == "__main__":
    main()
