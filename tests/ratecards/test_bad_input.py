"""Bad bytes in an upload or a name give a line/column error or a working download, never a 500."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ratecards import selectors, services
from ratecards.choices import JobStatus
from ratecards.models import ProviderRate

from .factories import make_provider_card

HEADER = "prefix,name,cost,connect_cost,billing\n"


def _import(card, actor, data: bytes, name: str = "deck.csv"):
    upload = SimpleUploadedFile(name, data)
    job = services.import_job_create(actor=actor, card=card, upload=upload, mapping={}, run=False)
    return services.import_run(job_id=job.pk)


@pytest.fixture
def card(admin_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_provider_card(actor=admin_user)


@pytest.mark.django_db
def test_arabic_indic_digits_and_nul_are_line_and_column_errors(card, admin_user):
    lines = [
        "441,UK,\u0660.\u0660\u0660\u0666,0,1/1",  # Arabic-Indic 0.006
        "442,UK,0.006,0,\u0661/\u0661",
        "443,U\x00K,0.006,0,1/1",
        "44\x004,UK,0.006,0,1/1",
        "\u0664\u0664\u0665,UK,0.006,0,1/1",
        "446,UK,0.006,\u0660,1/1",
    ]
    job = _import(card, admin_user, (HEADER + "\n".join(lines) + "\n").encode())
    assert job.status == JobStatus.FAILED and job.rows_ok == 0
    assert [(line, column) for line, column, _ in job.errors] == [
        (2, "cost"),
        (3, "billing"),
        (4, "name"),
        (5, "prefix"),
        (6, "prefix"),
        (7, "connect_cost"),
    ]
    assert not ProviderRate.objects.filter(revision=job.revision).exists()


@pytest.mark.django_db
def test_text_that_stops_being_utf8_after_64_kb_names_the_line(card, admin_user):
    good = "".join(f"{10000 + i},Zürich {i},0.006,0,1/1\n" for i in range(3000))
    assert len(good.encode()) > 65536
    data = (HEADER + good).encode() + b"99999,Z\xfcrich,0.006,0,1/1\n"  # Latin-1, not UTF-8
    job = _import(card, admin_user, data)
    assert job.status == JobStatus.FAILED
    assert job.message.startswith("Line 3002 is not utf-8 text")
    assert not ProviderRate.objects.filter(revision=job.revision).exists()


@pytest.mark.django_db
def test_utf8_all_the_way_loads_without_mojibake(card, admin_user):
    good = "".join(f"{10000 + i},Zürich {i},0.006,0,1/1\n" for i in range(3000))
    job = _import(card, admin_user, ("\ufeff" + HEADER + good).encode())
    assert job.status == JobStatus.DONE and job.rows_ok == 3000
    assert ProviderRate.objects.get(revision=job.revision, prefix="12999").name == "Zürich 2999"


def _workbook_bytes(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.django_db
def test_an_xlsx_named_csv_is_read_as_xlsx(card, admin_user):
    data = _workbook_bytes([["prefix", "name", "cost"], ["441", "UK", 0.006]])
    preview = selectors.upload_preview(SimpleUploadedFile("deck.csv", data))
    assert preview.kind == "xlsx" and preview.rows[1][1][:2] == ["441", "UK"]
    job = _import(card, admin_user, data, name="deck.csv")
    assert job.status == JobStatus.DONE
    assert ProviderRate.objects.get(revision=job.revision).cost == Decimal("0.006")


@pytest.mark.django_db
def test_a_typed_row_with_a_control_character_is_a_field_error(card, admin_user):
    draft = services.provider_draft_create(actor=admin_user, card=card)
    with pytest.raises(ValidationError) as caught:
        services.provider_rate_add(
            actor=admin_user, revision=draft, prefix="44", name="U\x00K", cost=Decimal(1)
        )
    assert "name" in caught.value.message_dict


def _published_with_name(card, admin_user, name: str):
    draft = services.provider_draft_create(actor=admin_user, card=card)
    # As a row stored before control characters were refused.
    ProviderRate.objects.create(revision=draft, prefix="441", name=name, cost=Decimal("0.006"))
    return services.provider_revision_publish(actor=admin_user, revision=draft)


@pytest.mark.django_db
def test_control_character_in_a_rate_name_still_downloads_as_xlsx(admin_client, admin_user, card):
    revision = _published_with_name(card, admin_user, "UK\x01 Land\x1fline")
    url = reverse("ratecards:revision_download", kwargs={"pk": revision.pk, "fmt": "xlsx"})
    response = admin_client.get(url)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[2]][:2] == ["441", "UK Landline"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("card_name", "expected"),
    [
        ("Tier\r\n1", 'attachment; filename="Tier 1-r1.csv"'),
        ('Say "hi"', 'attachment; filename="Say \\"hi\\"-r1.csv"'),
        ("Zürich\nÜber", "attachment; filename*=utf-8''Z%C3%BCrich%20%C3%9Cber-r1.csv"),
    ],
)
def test_download_file_name_follows_rfc_6266(admin_client, admin_user, card, card_name, expected):
    card.name = card_name
    card.save()
    revision = _published_with_name(card, admin_user, "UK")
    url = reverse("ratecards:revision_download", kwargs={"pk": revision.pk, "fmt": "csv"})
    response = admin_client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == expected
