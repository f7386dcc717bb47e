"""Import a CSV/XLSX rate sheet into a provider card's draft, with a progress bar in the terminal.

manage.py import_ratecard deck.csv --card 3 [--start-row 2] [--publish]
"""

import os
import shutil
import sys
import tempfile

from django.core.management.base import BaseCommand, CommandError

from ratecards import services
from ratecards.choices import RevisionState
from ratecards.models import ImportJob, ProviderCard


class Command(BaseCommand):
    help = "Load a rate sheet into a provider card's draft (nothing is published unless --publish)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--card", type=int, required=True, help="provider card id")
        parser.add_argument("--start-row", type=int, default=2)
        for column, default in (("prefix", 1), ("name", 2), ("cost", 3), ("connect-cost", 4), ("billing", 5)):
            parser.add_argument(f"--{column}-column", type=int, default=default)
        parser.add_argument("--mcd-column", type=int, default=0)
        parser.add_argument("--pulse-column", type=int, default=0)
        parser.add_argument("--status-column", type=int, default=0)
        parser.add_argument("--publish", action="store_true", help="publish the draft when the file is clean")

    def handle(self, *args, **opts):
        card = ProviderCard.objects.filter(pk=opts["card"]).first()
        if card is None:
            raise CommandError(f"No provider card with id {opts['card']}.")
        if not os.path.isfile(opts["file"]):
            raise CommandError(f"No such file: {opts['file']}")
        draft = card.revisions.filter(state=RevisionState.DRAFT).first()
        if draft is None:
            draft = services.provider_draft_create(actor=None, card=card)
        # The job deletes its file when done, so it works on a copy.
        fd, path = tempfile.mkstemp(dir=services.upload_dir(), suffix=os.path.splitext(opts["file"])[1])
        os.close(fd)
        shutil.copyfile(opts["file"], path)
        mapping = {
            "start_row": opts["start_row"],
            "prefix": opts["prefix_column"],
            "name": opts["name_column"],
            "cost": opts["cost_column"],
            "connect_cost": opts["connect_cost_column"],
            "billing": opts["billing_column"],
            "mcd": opts["mcd_column"],
            "pulse": opts["pulse_column"],
            "status": opts["status_column"],
        }
        job = ImportJob.objects.create(
            card=card, revision=draft, path=path, filename=os.path.basename(opts["file"]), options=mapping
        )
        job = services.import_run(job_id=job.pk, progress=self.bar)
        self.stdout.write("\r" + " " * 60 + "\r", ending="")
        for line, column, reason in job.errors:
            self.stderr.write(f"line {line}, {column}: {reason}")
        if job.status != "done":
            raise CommandError(job.message)
        self.stdout.write(self.style.SUCCESS(job.message))
        if opts["publish"]:
            revision = services.provider_revision_publish(actor=None, revision=job.revision)
            self.stdout.write(self.style.SUCCESS(f"Published revision {revision.number}."))

    def bar(self, done: int, estimate: int) -> None:
        share = min(1.0, done / max(estimate, 1))
        filled = int(share * 40)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (40 - filled)}] {done:,} lines")
        sys.stderr.flush()
