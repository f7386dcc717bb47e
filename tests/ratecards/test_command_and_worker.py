"""The import command, the demo data, and an import and a build run by a real Celery worker."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from connexcs import versioning
from ratecards import demo, services
from ratecards.choices import JobStatus
from ratecards.models import BuildJob, CustomerCard, CustomerCardRate, ImportJob
from tests.helpers import wait_for

from .factories import make_provider_card


@pytest.mark.django_db
def test_import_command_loads_and_publishes(tmp_path, admin_user, settings):
    settings.MEDIA_ROOT = tmp_path
    card = make_provider_card(actor=admin_user)
    deck = tmp_path / "deck.csv"
    deck.write_text("prefix,name,cost,connect_cost,billing\n441,UK Landline,0.006,0,1/1\n")
    call_command("import_ratecard", str(deck), "--card", str(card.pk), "--publish")
    card.refresh_from_db()
    assert card.current_revision.rates.get().cost == Decimal("0.006")


@pytest.mark.django_db
def test_import_command_reports_bad_lines(tmp_path, admin_user, settings, capsys):
    settings.MEDIA_ROOT = tmp_path
    card = make_provider_card(actor=admin_user)
    deck = tmp_path / "deck.csv"
    deck.write_text("prefix,name,cost\n44a,UK,0.006\n")
    with pytest.raises(CommandError, match="1 line"):
        call_command("import_ratecard", str(deck), "--card", str(card.pk))
    assert "line 2, prefix" in capsys.readouterr().err


@pytest.mark.django_db
def test_demo_seed_is_idempotent(admin_user):
    demo.seed(admin=admin_user)
    demo.seed(admin=admin_user)
    card = CustomerCard.objects.get(name=demo.CUSTOMER)
    assert CustomerCardRate.objects.get(revision=card.current_revision, prefix="441").rate == Decimal("0.007")
    assert card.revisions.count() == 1


@pytest.mark.django_db(transaction=True)
def test_worker_runs_import_then_build(celery_worker, admin_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    card = make_provider_card(actor=admin_user)
    upload = SimpleUploadedFile("deck.csv", b"prefix,name,cost,connect_cost,billing\n441,UK,0.006,0,1/1\n")
    job = services.import_job_create(actor=admin_user, card=card, upload=upload, mapping={})
    assert wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == JobStatus.DONE)
    services.provider_revision_publish(actor=admin_user, revision=job.revision)
    customer = services.customer_card_create(actor=admin_user, name="R", currency="USD", providers=[card])
    before = versioning.current("routing")
    build = services.build_job_create(actor=admin_user, card=customer)
    assert wait_for(lambda: BuildJob.objects.get(pk=build.pk).status == JobStatus.DONE)
    assert wait_for(lambda: versioning.current("routing") > before)  # the routing engine reloads
    customer.refresh_from_db()
    assert customer.current_revision.rates.get().rate == Decimal("0.006")
