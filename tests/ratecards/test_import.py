"""Imports: every bad line is reported by line and column; nothing changes unless the file is clean."""

import codecs
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ratecards import services
from ratecards.choices import JobStatus
from ratecards.models import ProviderRate

from .factories import make_provider_card

pytestmark = pytest.mark.django_db

HEADER = "prefix,name,cost,connect_cost,billing\n"


def run(card, data: bytes, name="deck.csv", mapping=None, admin=None):
    upload = SimpleUploadedFile(name, data)
    job = services.import_job_create(actor=admin, card=card, upload=upload, mapping=mapping or {}, run=False)
    return services.import_run(job_id=job.pk)


def rows_of(revision):
    return {
        r.prefix: (r.name, r.cost, r.connect_cost, r.mcd, r.pulse, r.blocked)
        for r in ProviderRate.objects.filter(revision=revision)
    }


def test_clean_csv_loads_into_the_draft_and_publishes_only_on_save(admin_user):
    card = make_provider_card([("1", "0.1")], actor=admin_user)
    current = card.current_revision
    data = (HEADER + '441,UK Landline,0.006,0,1/1\n+44 7,"Mobile, UK",0.05,0.01,60/60\n').encode()
    job = run(card, data, admin=admin_user)
    assert job.status == JobStatus.DONE and job.rows_ok == 2, job.message
    card.refresh_from_db()
    assert card.current_revision == current  # nothing published yet
    assert rows_of(job.revision) == {
        "441": ("UK Landline", Decimal("0.006"), Decimal(0), 1, 1, False),
        "447": ("Mobile, UK", Decimal("0.05"), Decimal("0.01"), 60, 60, False),
    }
    services.provider_revision_publish(actor=admin_user, revision=job.revision)
    card.refresh_from_db()
    assert card.current_revision == job.revision and card.current_revision.number == 2


BAD = [
    ("441,A,0.1,0,1/1\n\n442,B,0.1,0,1/1\n", 3, "row", "blank"),
    ("441,A,0.1,0,1/1\n441,B,0.2,0,1/1\n", 3, "prefix", "duplicates line 2"),
    ("44a1,A,0.1,0,1/1\n", 2, "prefix", "digits"),
    ("4.4E+11,A,0.1,0,1/1\n", 2, "prefix", "exponent"),
    ('441,A,"0,006",0,1/1\n', 2, "cost", "decimal comma"),
    ("441,A,-0.1,0,1/1\n", 2, "cost", "negative"),
    ("441,A,abc,0,1/1\n", 2, "cost", "not a number"),
    ("441,A,0.1234567,0,1/1\n", 2, "cost", "more than 6 decimals"),
    ("441,A,0.1,0,0/0\n", 2, "billing", "at least 1"),
    ("441,A,0.1,0,60\n", 2, "billing", "MCD/Pulse"),
    ("441,A,,0,1/1\n", 2, "cost", "empty"),
    ("441,A,0.1,x,1/1\n", 2, "connect_cost", "not a number"),
]


@pytest.mark.parametrize(("body", "line", "column", "reason"), BAD)
def test_bad_lines_are_reported_and_nothing_changes(admin_user, body, line, column, reason):
    card = make_provider_card([("1", "0.1")], actor=admin_user)
    job = run(card, (HEADER + body + "999,Z,0.1,0,1/1\n998,Y,zz,0,1/1\n").encode(), admin=admin_user)
    assert job.status == JobStatus.FAILED
    assert [line, column] in [e[:2] for e in job.errors], job.errors
    assert any(reason in e[2] for e in job.errors if e[:2] == [line, column])
    # the rest of the file is still checked: the last line's error is reported too
    assert any(e[1] == "cost" and "'zz'" in e[2] for e in job.errors)
    assert rows_of(job.revision) == rows_of(card.current_revision)  # the draft is unchanged


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + (HEADER + "441,Ünïcode,0.006,0,1/1\r\n442,B,0.1,0,30/6\r\n").encode(),
        "prefix;name;cost;connect_cost;billing\n441;Ünïcode;0.006;0;1/1\n442;B;0.1;0;30/6\n".encode(),
        (HEADER + "441,Ünïcode,0.006,0,1/1\n442,B,0.1,0,30/6\n").encode("utf-16"),
    ],
    ids=["bom-crlf", "semicolon", "utf16"],
)
def test_encodings_and_delimiters(admin_user, data):
    card = make_provider_card(actor=admin_user)
    job = run(card, data, admin=admin_user)
    assert job.status == JobStatus.DONE, (job.message, job.errors)
    assert rows_of(job.revision)["441"][0] == "Ünïcode"
    assert rows_of(job.revision)["442"][3:5] == (30, 6)


def test_empty_file_fails_with_a_message(admin_user):
    card = make_provider_card(actor=admin_user)
    job = run(card, b"", admin=admin_user)
    assert job.status == JobStatus.FAILED and "empty" in job.message


def test_separate_mcd_pulse_columns_and_start_row(admin_user):
    card = make_provider_card(actor=admin_user)
    data = b"My deck\nCode,Dest,Price,MCD,Pulse,State\n441,UK,0.006,30,6,blocked\n"
    mapping = {"prefix": 1, "name": 2, "cost": 3, "connect_cost": 0, "billing": 0, "mcd": 4, "pulse": 5}
    mapping.update(status=6, start_row=3)
    job = run(card, data, mapping=mapping, admin=admin_user)
    assert job.status == JobStatus.DONE, job.errors
    assert rows_of(job.revision)["441"][3:] == (30, 6, True)


def test_xls_and_encrypted_xlsx_are_refused(admin_user):
    card = make_provider_card(actor=admin_user)
    job = run(card, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, name="deck.xlsx", admin=admin_user)
    assert job.status == JobStatus.FAILED and ".xls" in job.message


def _xlsx(rows) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_xlsx_import(admin_user):
    card = make_provider_card(actor=admin_user)
    data = _xlsx(
        [
            ["prefix", "name", "cost", "connect", "billing"],
            [441, "UK", 0.006, 0, "1/1"],
            [442.0, "B", 0.1, None, "60/60"],
        ]
    )
    job = run(card, data, name="deck.xlsx", admin=admin_user)
    assert job.status == JobStatus.DONE, (job.message, job.errors)
    assert rows_of(job.revision)["441"][1] == Decimal("0.006")
    assert rows_of(job.revision)["442"][3] == 60


def test_zip_bomb_xlsx_is_refused(admin_user):
    card = make_provider_card(actor=admin_user)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<" + "a" * 5_000_000 + "/>")
    job = run(card, out.getvalue(), name="bomb.xlsx", admin=admin_user)
    assert job.status == JobStatus.FAILED and "unsafe" in job.message


def test_xml_bomb_xlsx_is_refused(admin_user):
    card = make_provider_card(actor=admin_user)
    data = _xlsx([["prefix", "name", "cost"], [441, "UK", 0.006]])
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    )
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                body = bomb.encode()
            archive.writestr(item, body)
    job = run(card, out.getvalue(), name="bomb.xlsx", admin=admin_user)
    assert job.status == JobStatus.FAILED
    assert "unsafe XML" in job.message, job.message
    assert rows_of(job.revision) == {}


def test_cancelled_import_leaves_the_draft(admin_user):
    card = make_provider_card([("1", "0.1")], actor=admin_user)
    upload = SimpleUploadedFile("deck.csv", (HEADER + "441,A,0.1,0,1/1\n").encode())
    job = services.import_job_create(actor=admin_user, card=card, upload=upload, mapping={}, run=False)
    services.job_cancel(actor=admin_user, job=job)
    job = services.import_run(job_id=job.pk)
    assert job.status == JobStatus.CANCELLED
    assert set(rows_of(job.revision)) == {"1"}


def test_rejected_lines_are_counted_as_lines_not_errors(admin_user):
    card = make_provider_card([("1", "0.1")], actor=admin_user)
    # Line 2 has three errors (prefix, cost, billing); line 3 has one.
    job = run(card, (HEADER + "44x,A,zz,0,0/0\n445,B,yy,0,1/1\n446,C,0.1,0,1/1\n").encode(), admin=admin_user)
    assert job.status == JobStatus.FAILED
    assert job.error_count == 4
    assert job.message.startswith("2 line(s) rejected")
