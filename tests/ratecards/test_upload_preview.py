"""Upload preview: the first lines of the chosen file, through the client, before the import starts."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.choices import Access, Area
from ratecards.models import ImportJob
from tests.factories import UserFactory, grant

from .factories import make_provider_card
from .test_import import _xlsx

pytestmark = pytest.mark.django_db


def preview(client, card, name, data, *, htmx=True):
    url = reverse("ratecards:provider_upload", args=[card.pk])
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(url, {"file": SimpleUploadedFile(name, data), "preview": "1"}, **extra)


def test_csv_with_bom_and_semicolons(admin_client, admin_user):
    card = make_provider_card(actor=admin_user)
    lines = ["Rates from ACME;;;", "prefix;name;cost;connect;billing"]
    lines += [f"44{i};Zone {i};0,{i};0;60/60" for i in range(20)]
    data = "\ufeff".encode() + "\r\n".join(lines).encode()
    response = preview(admin_client, card, "deck.csv", data)
    assert response.status_code == 200
    rows = response.context["preview"].rows
    assert len(rows) == 10  # never the whole file
    assert rows[0] == (1, ["Rates from ACME", "", "", "", ""])  # the BOM is not part of the first cell
    assert rows[1] == (2, ["prefix", "name", "cost", "connect", "billing"])
    assert rows[2][1][:2] == ["440", "Zone 0"]
    body = response.content.decode()
    assert "semicolon" in body and "utf-8-sig" in body
    assert "5 (E)" in body and "Zone 7" in body and "Zone 8" not in body
    assert not ImportJob.objects.exists()


def test_xlsx_first_sheet(admin_client, admin_user):
    card = make_provider_card(actor=admin_user)
    data = _xlsx([["prefix", "name", "cost"]] + [[440 + i, f"Z{i}", 0.006] for i in range(30)])
    response = preview(admin_client, card, "deck.xlsx", data)
    assert response.status_code == 200
    rows = response.context["preview"].rows
    assert rows[0] == (1, ["prefix", "name", "cost"]) and rows[1] == (2, ["440", "Z0", "0.006"])
    assert len(rows) == 10 and "XLSX, first sheet" in response.content.decode()


def test_without_htmx_the_whole_page_shows_the_preview(admin_client, admin_user):
    card = make_provider_card(actor=admin_user)
    response = preview(admin_client, card, "deck.csv", b"prefix,name,cost\n441,UK,0.006\n", htmx=False)
    body = response.content.decode()
    assert response.status_code == 200 and 'id="upload-preview"' in body and "441" in body
    assert 'hx-post="' in body  # choosing a file asks for the preview


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "The file is empty."),
        ("blank.csv", b"\n\n  \n", "The file is empty."),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "legacy .xls"),
        ("fake.xlsx", b"not a workbook at all", "not a valid XLSX"),
        ("huge.csv", b'a,"' + b"x" * 200_000, "cannot be read as CSV"),
    ],
)
def test_bad_files_give_a_message(admin_client, admin_user, name, data, message):
    card = make_provider_card(actor=admin_user)
    response = preview(admin_client, card, name, data)
    assert response.status_code == 200 and response.context["preview"] is None
    assert message in response.context["preview_error"]
    assert 'role="alert"' in response.content.decode()


def test_zip_bomb_is_refused_before_openpyxl(admin_client, admin_user):
    card = make_provider_card(actor=admin_user)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<" + "a" * 5_000_000 + "/>")
    response = preview(admin_client, card, "bomb.xlsx", out.getvalue())
    assert "unsafe" in response.context["preview_error"]


def test_no_file_chosen(admin_client, admin_user):
    card = make_provider_card(actor=admin_user)
    url = reverse("ratecards:provider_upload", args=[card.pk])
    response = admin_client.post(url, {"preview": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response.context["preview_error"] == "Choose a file to preview."


def test_preview_needs_the_write_permission(client, admin_user):
    card = make_provider_card(actor=admin_user)
    reader = UserFactory()
    grant(reader, Area.CARD, access=Access.READ)
    client.force_login(reader)
    response = preview(client, card, "deck.csv", b"a,b\n1,2\n")
    assert response.status_code == 403
