"""Rate card pages: permission matrix, the sheet flow through the client, downloads, query counts."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.choices import Area
from ratecards import services
from ratecards.choices import JobStatus
from ratecards.models import ExchangeRate, ImportJob, ProviderRate
from tests.viewtests import ViewTestCases

from .factories import make_carrier, make_provider_card, publish_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(admin_user):
    provider = make_provider_card([("441", "0.006"), ("44", "0.01")], actor=admin_user)
    publish_rows(provider, [("441", "0.005"), ("4420", "0.02")], actor=admin_user)
    provider.refresh_from_db()
    draft = services.provider_draft_create(actor=admin_user, card=provider)
    customer = services.customer_card_create(
        actor=admin_user, name="Retail", currency="USD", providers=[provider]
    )
    rule = services.profit_rule_create(
        actor=admin_user,
        card=customer,
        prefix="",
        profit_type="percent",
        value=Decimal(10),
    )
    build = services.build_job_create(actor=admin_user, card=customer, run=False)
    services.build_run(job_id=build.pk)
    upload = SimpleUploadedFile("d.csv", b"prefix,name,cost\n1,A,0.1\n")
    job = services.import_job_create(actor=admin_user, card=provider, upload=upload, mapping={}, run=False)
    rate = ProviderRate.objects.filter(revision=draft).first()
    ex = services.exchange_rate_set(
        actor=admin_user, from_currency="EUR", to_currency="USD", rate=Decimal("1.1")
    )
    return {
        "provider": provider,
        "customer": customer,
        "rule": rule,
        "build": build,
        "job": job,
        "rate": rate,
        "revision": provider.current_revision,
        "carrier": provider.carrier,
        "ex": ex,
    }


def pages(w):
    p, c = w["provider"].pk, w["customer"].pk
    return [
        ("ratecards:index", {}),
        ("ratecards:carrier_cards", {"pk": w["carrier"].pk}),
        ("ratecards:provider_add", {}),
        ("ratecards:provider_detail", {"pk": p}),
        ("ratecards:provider_edit", {"pk": p}),
        ("ratecards:row_new", {"pk": p}),
        ("ratecards:row_edit", {"pk": w["rate"].pk}),
        ("ratecards:provider_upload", {"pk": p}),
        ("ratecards:provider_revisions", {"pk": p}),
        ("ratecards:revision_diff", {"pk": w["revision"].pk}),
        ("ratecards:revision_download", {"pk": w["revision"].pk, "fmt": "csv"}),
        ("ratecards:revision_download", {"pk": w["revision"].pk, "fmt": "xlsx"}),
        ("ratecards:import_job", {"pk": w["job"].pk}),
        ("ratecards:customer_add", {}),
        ("ratecards:customer_detail", {"pk": c}),
        ("ratecards:customer_edit", {"pk": c}),
        ("ratecards:customer_profits", {"pk": c}),
        ("ratecards:customer_revisions", {"pk": c}),
        ("ratecards:profit_add", {"card_pk": c}),
        ("ratecards:profit_edit", {"pk": w["rule"].pk}),
        ("ratecards:customer_build", {"pk": c}),
        ("ratecards:build_job", {"pk": w["build"].pk}),
        ("ratecards:exchange_rates", {}),
        ("ratecards:exchange_rate_add", {}),
        ("ratecards:exchange_rate_edit", {"pk": w["ex"].pk}),
    ]


READ_ONLY = {
    "ratecards:index",
    "ratecards:carrier_cards",
    "ratecards:provider_detail",
    "ratecards:provider_revisions",
    "ratecards:revision_diff",
    "ratecards:revision_download",
    "ratecards:import_job",
    "ratecards:customer_detail",
    "ratecards:customer_profits",
    "ratecards:customer_revisions",
    "ratecards:customer_build",
    "ratecards:build_job",
    "ratecards:exchange_rates",
}


def posts(w):
    """POST-only actions, in an order that leaves each one something to act on."""
    p = w["provider"].pk
    return [
        ("ratecards:row_delete", {"pk": w["rate"].pk}),
        ("ratecards:row_add", {"pk": p}),
        ("ratecards:draft_create", {"pk": p}),
        ("ratecards:draft_save", {"pk": p}),
        ("ratecards:revision_rollback", {"pk": w["revision"].pk}),
        ("ratecards:import_cancel", {"pk": w["job"].pk}),
        ("ratecards:build_cancel", {"pk": w["build"].pk}),
        ("ratecards:build_stale", {}),
        ("ratecards:profit_delete", {"pk": w["rule"].pk}),
    ]


class TestRateCardViews(ViewTestCases):
    area = Area.CARD
    other_area = Area.CUSTOMER
    read_only = READ_ONLY

    @pytest.fixture
    def pages(self, world):
        return [(n, kw, "get") for n, kw in pages(world)] + [(n, kw, "post") for n, kw in posts(world)]


def test_download_escapes_formula_cells(admin_client, admin_user):
    card = make_provider_card(actor=admin_user)
    draft = services.provider_draft_create(actor=admin_user, card=card)
    services.provider_rate_add(
        actor=admin_user, revision=draft, prefix="1", name="=HYPERLINK(1)", cost=Decimal("0.1")
    )
    services.provider_revision_publish(actor=admin_user, revision=draft)
    response = admin_client.get(reverse("ratecards:revision_download", args=[draft.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][:3] == ["1", "'=HYPERLINK(1)", "0.100000"]


def test_sheet_flow_through_the_client(admin_client, admin_user):
    carrier = make_carrier()
    response = admin_client.post(
        reverse("ratecards:provider_add"),
        {
            "name": "UK",
            "carrier": carrier.pk,
            "currency": "USD",
            "precision": 4,
            "rounding": "up",
            "status": "active",
        },
    )
    card = carrier.provider_cards.get()
    assert response.status_code == 302 and response.url == card.get_absolute_url()
    admin_client.post(reverse("ratecards:draft_create", args=[card.pk]))
    data = {
        "new-prefix": "441",
        "new-name": "UK Landline",
        "new-cost": "0.006",
        "new-billing": "1/1",
        "new-status": "active",
    }
    admin_client.post(reverse("ratecards:draft_save", args=[card.pk]), data)
    card.refresh_from_db()
    row = card.current_revision.rates.get()
    assert (row.prefix, row.name, row.cost, row.mcd, row.pulse) == (
        "441",
        "UK Landline",
        Decimal("0.006"),
        1,
        1,
    )
    # bad input: an error naming the field, nothing published
    admin_client.post(reverse("ratecards:draft_create", args=[card.pk]))
    bad = dict(data, **{"new-prefix": "44x"})
    response = admin_client.post(reverse("ratecards:draft_save", args=[card.pk]), bad, follow=True)
    assert "Prefix: " in response.content.decode() and "digits only" in response.content.decode()
    response = admin_client.post(reverse("ratecards:row_add", args=[card.pk]), bad, follow=True)
    assert "Prefix: " in response.content.decode() and "digits only" in response.content.decode()
    card.refresh_from_db()
    assert card.current_revision.number == 1


def test_in_place_row_edit(admin_client, admin_user):
    card = make_provider_card([("441", "0.006")], actor=admin_user)
    draft = services.provider_draft_create(actor=admin_user, card=card)
    rate = draft.rates.get()
    url = reverse("ratecards:row_edit", args=[rate.pk])
    form = {
        f"r{rate.pk}-{k}": v
        for k, v in {
            "prefix": "441",
            "name": "UK",
            "cost": "0.0065",
            "billing": "60/60",
            "status": "active",
        }.items()
    }
    response = admin_client.post(url, form, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "0.0065" in response.content.decode()
    rate.refresh_from_db()
    assert rate.cost == Decimal("0.0065") and rate.mcd == 60


def test_upload_form_queues_an_import(admin_client, admin_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    card = make_provider_card(actor=admin_user)
    upload = SimpleUploadedFile("deck.csv", b"prefix,name,cost,connect,billing\n441,UK,0.006,0,1/1\n")
    data = {
        "file": upload,
        "start_row": 2,
        "prefix": 1,
        "name": 2,
        "cost": 3,
        "connect_cost": 4,
        "billing": 5,
        "mcd": 0,
        "pulse": 0,
        "status": 0,
    }
    response = admin_client.post(reverse("ratecards:provider_upload", args=[card.pk]), data)
    job = ImportJob.objects.get(card=card)
    assert response.status_code == 302 and response.url == reverse("ratecards:import_job", args=[job.pk])
    assert job.options["start_row"] == 2 and job.status == JobStatus.QUEUED


def test_rollback_and_diff(admin_client, admin_user):
    card = make_provider_card([("1", "0.1"), ("2", "0.2")], actor=admin_user)
    first = card.current_revision
    second = publish_rows(card, [("1", "0.15"), ("3", "0.3")], actor=admin_user)
    diff = admin_client.get(reverse("ratecards:revision_diff", args=[second.pk])).context["diff"]
    assert diff["counts"] == {"added": 1, "removed": 1, "changed": 1}
    admin_client.post(reverse("ratecards:revision_rollback", args=[first.pk]))
    card.refresh_from_db()
    assert card.current_revision.number == 3
    assert set(card.current_revision.rates.values_list("prefix", "cost")) == {
        ("1", Decimal("0.1")),
        ("2", Decimal("0.2")),
    }


def test_index_query_count_is_constant(admin_client, admin_user, django_assert_max_num_queries):
    def make(n):
        for _ in range(n):
            p = make_provider_card([("1", "0.1")], actor=admin_user)
            services.customer_card_create(actor=admin_user, name=f"C{p.pk}", currency="USD", providers=[p])

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            admin_client.get(reverse("ratecards:index"))
        return len(ctx)

    make(2)
    few = count()
    make(4)
    assert count() == few
    with django_assert_max_num_queries(few):
        admin_client.get(reverse("ratecards:index"))


def test_exchange_rate_form_rejects_same_currency(admin_client):
    response = admin_client.post(
        reverse("ratecards:exchange_rate_add"), {"from_currency": "USD", "to_currency": "USD", "rate": "1"}
    )
    assert response.status_code == 200 and "different currency" in response.content.decode()
    assert not ExchangeRate.objects.exists()


def test_job_pages_have_breadcrumbs_and_a_failed_job_is_not_a_blue_bar(admin_client, admin_user):
    card = make_provider_card(actor=admin_user, name="UK Wholesale")
    upload = SimpleUploadedFile("d.csv", b"prefix,name,cost\n44x,A,zz\n")
    job = services.import_job_create(actor=admin_user, card=card, upload=upload, mapping={}, run=False)
    job = services.import_run(job_id=job.pk)
    assert job.status == JobStatus.FAILED and not job.is_active
    body = admin_client.get(reverse("ratecards:import_job", kwargs={"pk": job.pk})).content.decode()
    assert 'class="progress-bar bg-danger"' in body and "Failed" in body
    assert "hx-trigger" not in body  # a finished job is not polled
    crumb = f'<li class="breadcrumb-item"><a href="{card.get_absolute_url()}">UK Wholesale</a></li>'
    assert (
        crumb in body
        and '<li class="breadcrumb-item active" aria-current="page">Import of d.csv</li>' in body
    )
