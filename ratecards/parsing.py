"""Read a rate sheet (CSV or XLSX) as a stream and check every row.

The reader yields `(line, cells)` with `line` the 1-based row number a spreadsheet would show.
`RowChecker` turns cells into a COPY-ready row or a list of `(line, column, reason)` errors.
Nothing here touches the database, so the same code serves the web import and the command.
"""

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

# An XLSX is a zip: refuse archives that expand too far before any XML parser sees them.
XLSX_MAX_UNCOMPRESSED = 1_500_000_000
XLSX_MAX_RATIO = 150
# openpyxl holds every shared string in memory, even in read-only mode, before the first row: some
# 170 bytes of Python per string (a list and an index) besides its text. These bounds keep a preview
# or an import under 200 MB whatever the workbook holds (measured: tests/ratecards/test_xlsx_memory.py);
# a deck with more different texts than this (prefixes typed as text) can be uploaded as CSV.
SHARED_STRINGS_PART = "xl/sharedStrings.xml"
SHARED_STRINGS_MAX_BYTES = 16 * 1024 * 1024
SHARED_STRINGS_MAX_COUNT = 500_000
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls and password-protected .xlsx share this container

PREFIX_MAX = 32
NAME_MAX = 200
# re.ASCII: \d would also take Arabic-Indic and other digits, which PostgreSQL cannot read as numbers.
COST_RE = re.compile(r"\d{1,8}(?:\.\d{1,6})?|\.\d{1,6}", re.ASCII)
COST_TOO_PRECISE_RE = re.compile(r"\d+\.\d{7,}", re.ASCII)
DECIMAL_COMMA_RE = re.compile(r"\d*,\d+", re.ASCII)
EXPONENT_RE = re.compile(r"[0-9.]+[eE][+-]?\d+", re.ASCII)
BILLING_RE = re.compile(r"(\d{1,5})\s*/\s*(\d{1,5})", re.ASCII)
# Control characters other than tab: NUL cannot be stored at all, the rest break XLSX downloads.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
STATUS_VALUES = {"": False, "active": False, "blocked": True, "block": True}


class SheetError(Exception):
    """The file as a whole cannot be read (empty, wrong format, unsafe)."""


@dataclass
class Mapping:
    """1-based column numbers; 0 means the column is absent."""

    prefix: int = 1
    name: int = 2
    cost: int = 3
    connect_cost: int = 4
    billing: int = 5
    mcd: int = 0
    pulse: int = 0
    status: int = 0
    start_row: int = 2  # first data row; row 1 is usually the header

    @classmethod
    def from_dict(cls, data: dict) -> "Mapping":
        return cls(**{k: int(v or 0) for k, v in data.items() if k in cls.__dataclass_fields__})

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class CheckResult:
    errors: list = field(default_factory=list)
    error_count: int = 0
    rejected_lines: int = 0  # one line may carry several errors
    rows_ok: int = 0
    lines: int = 0


def _copy_escape(text: str) -> str:
    # COPY text format: backslash, tab, newline and carriage return must be escaped.
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _cell_text(value) -> str:
    """A cell as text; XLSX numbers arrive as int/float and must not gain an exponent."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value).strip()


class RowChecker:
    """Check rows one at a time; remember prefixes to catch duplicates."""

    def __init__(self, mapping: Mapping, *, max_errors: int = 1000):
        self.m = mapping
        self.max_errors = max_errors
        self.seen: dict[str, int] = {}
        self.result = CheckResult()

    def error(self, line: int, column: str, reason: str) -> None:
        self.result.error_count += 1
        if len(self.result.errors) < self.max_errors:
            self.result.errors.append([line, column, reason])

    def _get(self, cells, col: int) -> str:
        if not col or col > len(cells):
            return ""
        return _cell_text(cells[col - 1])

    def _cost(self, line: int, column: str, text: str, *, required: bool) -> str | None:
        if text == "":
            if required:
                self.error(line, column, "is empty")
                return None
            return "0"
        if COST_RE.fullmatch(text):
            return text
        if text.startswith("-"):
            self.error(line, column, f"{text!r} is negative")
        elif DECIMAL_COMMA_RE.fullmatch(text):
            self.error(line, column, f"{text!r} uses a decimal comma; use a point")
        elif COST_TOO_PRECISE_RE.fullmatch(text):
            self.error(line, column, f"{text!r} has more than 6 decimals")
        elif EXPONENT_RE.fullmatch(text):
            self.error(line, column, f"{text!r} is in exponent notation; write the number out")
        else:
            self.error(line, column, f"{text!r} is not a number")
        return None

    def check(self, line: int, cells) -> str | None:
        """The row as one COPY text line (without revision id), or None after recording errors."""
        fast = self.fast(line, cells)
        if fast is not None:
            return fast
        return self._slow(line, cells)

    def fast(self, line: int, cells) -> str | None:
        """The common, clean CSV row in few steps; anything unusual goes the careful way."""
        m = self.m
        if m.billing != 5 or m.cost != 3 or m.prefix != 1 or m.name != 2 or m.connect_cost != 4 or m.status:
            return None
        if len(cells) < 5 or type(cells) is not list:
            return None
        prefix, name, cost, connect, billing = cells[0], cells[1].strip(), cells[2], cells[3], cells[4]
        if (
            not prefix.isdigit()
            or not prefix.isascii()
            or len(prefix) > PREFIX_MAX
            or prefix in self.seen
            or len(name) > NAME_MAX
            or not COST_RE.fullmatch(cost)
            or not COST_RE.fullmatch(connect)
        ):
            return None
        match = BILLING_RE.fullmatch(billing)
        # MCD 0 (e.g. 0/6) is fine; other leading zeros go the slow way to be normalised.
        if match is None or match[2][0] == "0" or (match[1][0] == "0" and match[1] != "0"):
            return None
        if "\\" in name or "\t" in name or "\n" in name or "\r" in name or CONTROL_RE.search(name):
            return None
        self.seen[prefix] = line
        self.result.lines += 1
        self.result.rows_ok += 1
        return f"{prefix}\t{name}\t{cost}\t{connect}\t{match[1]}\t{match[2]}\tf\n"

    def _slow(self, line: int, cells) -> str | None:
        m = self.m
        self.result.lines += 1
        before = self.result.error_count
        raw_prefix = self._get(cells, m.prefix)
        prefix = raw_prefix.replace(" ", "")
        if prefix.startswith("+"):
            prefix = prefix[1:]
        if "\x00" in raw_prefix:
            self.error(line, "prefix", f"{raw_prefix!r} has a NUL character")
        elif not prefix:
            self.error(line, "prefix", "is empty")
        elif not prefix.isdigit() or not prefix.isascii():
            if EXPONENT_RE.fullmatch(prefix):
                self.error(line, "prefix", f"{raw_prefix!r} was mangled into exponent notation")
            else:
                self.error(line, "prefix", f"{raw_prefix!r} has characters other than digits")
        elif len(prefix) > PREFIX_MAX:
            self.error(line, "prefix", f"is longer than {PREFIX_MAX} digits")
        elif prefix in self.seen:
            self.error(line, "prefix", f"{prefix} duplicates line {self.seen[prefix]}")
        else:
            self.seen[prefix] = line
        name = self._get(cells, m.name)
        if len(name) > NAME_MAX:
            self.error(line, "name", f"is longer than {NAME_MAX} characters")
        elif CONTROL_RE.search(name):
            self.error(line, "name", f"{name!r} has a control character")
        cost = self._cost(line, "cost", self._get(cells, m.cost), required=True)
        connect = self._cost(line, "connect_cost", self._get(cells, m.connect_cost), required=False)
        mcd = pulse = "1"
        if m.billing:
            billing = self._get(cells, m.billing)
            if billing:
                match = BILLING_RE.fullmatch(billing)
                if not match:
                    self.error(line, "billing", f"{billing!r} is not MCD/Pulse such as 1/1 or 60/60")
                elif int(match[2]) < 1:
                    self.error(line, "billing", f"{billing!r}: Pulse must be at least 1 (MCD may be 0)")
                else:
                    mcd, pulse = str(int(match[1])), str(int(match[2]))
        else:
            for column, col in (("mcd", m.mcd), ("pulse", m.pulse)):
                text = self._get(cells, col)
                if not text:
                    continue
                low = 0 if column == "mcd" else 1  # MCD 0: billed from the first second, by Pulse
                if not text.isdigit() or not low <= int(text) <= 99999:
                    self.error(line, column, f"{text!r} must be a whole number of seconds, at least {low}")
                elif column == "mcd":
                    mcd = str(int(text))
                else:
                    pulse = str(int(text))
        blocked = "f"
        if m.status:
            status = self._get(cells, m.status).lower()
            if status not in STATUS_VALUES:
                self.error(line, "status", f"{status!r} must be active or blocked")
            elif STATUS_VALUES[status]:
                blocked = "t"
        if self.result.error_count != before:
            self.result.rejected_lines += 1
            return None
        self.result.rows_ok += 1
        return f"{prefix}\t{_copy_escape(name)}\t{cost}\t{connect}\t{mcd}\t{pulse}\t{blocked}\n"


# ---- readers ---------------------------------------------------------------------------------


def sniff_kind(path: str, filename: str = "") -> str:
    with open(path, "rb") as fh:
        head = fh.read(8)
    if not head:
        raise SheetError("The file is empty.")
    if head.startswith(OLE2_MAGIC):
        raise SheetError(
            "This is a legacy .xls file or a password-protected workbook; save it as .xlsx or CSV."
        )
    if head.startswith(ZIP_MAGIC):
        return "xlsx"  # whatever the file is called: a workbook saved as "deck.csv" is still one
    if filename.lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise SheetError("The file is not a valid XLSX workbook.")
    return "csv"


def _detect_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A cut multi-byte character at the end of the sample is still UTF-8.
        if exc.start < len(head) - 4:
            return "cp1252"
    return "utf-8"


def _detect_delimiter(sample: str) -> str:
    first = next((line for line in sample.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


SNIFF_BYTES = 65536


class CsvText:
    """The file's lines as text, decoded strictly to the end: a byte that is not in the encoding
    guessed from the first 64 KB is an error naming its line, never a replacement character."""

    def __init__(self, path: str, encoding: str):
        self.encoding = encoding
        self.line = 0  # the physical line last decoded
        self._file = open(path, "rb")  # noqa: SIM115 - closed by close()
        self._text = None
        if encoding == "utf-16":  # two bytes a character: lines cannot be cut on b"\n"
            self._text = io.TextIOWrapper(self._file, encoding=encoding, errors="strict", newline="")

    def __iter__(self) -> Iterator[str]:
        source = self._text if self._text is not None else self._file
        decode = codecs.getdecoder("utf-8" if self.encoding == "utf-8-sig" else self.encoding)
        try:
            for raw in source:
                self.line += 1
                if self._text is not None:
                    yield raw
                    continue
                if self.line == 1 and raw.startswith(codecs.BOM_UTF8):
                    raw = raw[len(codecs.BOM_UTF8) :]
                try:
                    yield decode(raw)[0]
                except UnicodeDecodeError as exc:
                    raise SheetError(
                        f"Line {self.line} is not {self.encoding} text (byte 0x{raw[exc.start]:02x} at "
                        f"position {exc.start + 1}); save the file as UTF-8 and upload it again."
                    ) from exc
        except UnicodeDecodeError as exc:
            line = self.line + 1
            raise SheetError(
                f"Line {line} is not {self.encoding} text; save the file as UTF-8 and upload it again."
            ) from exc

    def read_sample(self) -> str:
        with open(self._file.name, "rb") as fh:
            head = fh.read(SNIFF_BYTES)
        return head.decode("utf-8" if self.encoding == "utf-8-sig" else self.encoding, errors="ignore")

    def close(self) -> None:
        (self._text or self._file).close()


def open_csv(path: str) -> tuple[CsvText, str]:
    with open(path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
    encoding = _detect_encoding(head)
    handle = CsvText(path, encoding)
    sample = handle.read_sample()
    if not sample.strip():
        handle.close()
        raise SheetError("The file is empty.")
    return handle, _detect_delimiter(sample)


def iter_csv(handle, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(handle, delimiter=delimiter)
    row = 0
    try:
        for row, cells in enumerate(reader, start=1):
            yield row, cells
    except csv.Error as exc:
        raise SheetError(f"Line {row + 1} cannot be read as CSV: {exc}.") from exc


def check_xlsx_archive(path: str) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            total = 0
            for info in archive.infolist():
                total += info.file_size
                if info.compress_size and info.file_size / info.compress_size > XLSX_MAX_RATIO:
                    raise SheetError(f"The workbook part {info.filename} expands too far; refused as unsafe.")
                if info.flag_bits & 0x1:
                    raise SheetError("The workbook is encrypted.")
            if total > XLSX_MAX_UNCOMPRESSED:
                raise SheetError("The workbook expands to more than 1.5 GB; refused as unsafe.")
            if "xl/workbook.xml" not in archive.namelist():
                raise SheetError("The file is a zip archive but not an XLSX workbook.")
            _check_shared_strings(archive)
    except zipfile.BadZipFile as exc:
        raise SheetError("The file is not a valid XLSX workbook.") from exc


def _check_shared_strings(archive: zipfile.ZipFile) -> None:
    """Refuse a shared-string table too big to hold in memory, counting its entries in the stream
    (the count the file states may lie)."""
    try:
        info = archive.getinfo(SHARED_STRINGS_PART)
    except KeyError:
        return
    too_big = SheetError(
        f"The workbook holds too much text to read safely (more than {SHARED_STRINGS_MAX_COUNT:,} "
        f"different texts or {SHARED_STRINGS_MAX_BYTES // (1024 * 1024)} MB); save it as CSV and upload that."
    )
    if info.file_size > SHARED_STRINGS_MAX_BYTES:
        raise too_big
    count, tail = 0, b""
    with archive.open(info) as part:
        # Read to the end whatever the header says: file_size comes from the file too.
        read = 0
        while chunk := part.read(1 << 20):
            read += len(chunk)
            if read > SHARED_STRINGS_MAX_BYTES:
                raise too_big
            data = tail + chunk
            count += data.count(b"<si>") + data.count(b"<si ") - tail.count(b"<si>") - tail.count(b"<si ")
            tail = data[-3:]
    if count > SHARED_STRINGS_MAX_COUNT:
        raise too_big


def iter_xlsx(path: str) -> Iterator[tuple[int, tuple]]:
    import openpyxl
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:  # pragma: no cover - defusedxml is a dependency
        raise SheetError("XLSX import needs defusedxml installed.")
    check_xlsx_archive(path)
    handle = open(path, "rb")  # noqa: SIM115 - a file object: openpyxl judges a path by its suffix
    try:
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        handle.close()
        raise SheetError(_workbook_error(exc)) from exc
    try:
        sheet = workbook.worksheets[0]
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
    except SheetError:
        raise
    except Exception as exc:
        raise SheetError(_workbook_error(exc)) from exc
    finally:
        workbook.close()
        handle.close()


def _workbook_error(exc: BaseException) -> str:
    """A message without server paths; names defusedxml's refusal when that is the cause."""
    seen = exc
    while seen is not None:
        if type(seen).__module__.startswith("defusedxml"):
            return f"The workbook was refused as unsafe XML ({type(seen).__name__})."
        seen = seen.__cause__ or seen.__context__
    return "The workbook cannot be read; it is damaged or not a real XLSX file."


def is_blank(cells) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


# ---- preview ---------------------------------------------------------------------------------

PREVIEW_ROWS = 10
PREVIEW_COLUMNS = 40
PREVIEW_CELL = 60


def column_letter(number: int) -> str:
    """1 -> A, 27 -> AA, as a spreadsheet labels columns."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Preview:
    kind: str
    rows: list  # [(line, [cell text, ...]), ...]
    width: int
    encoding: str = ""
    delimiter: str = ""

    @property
    def columns(self) -> list[tuple[int, str]]:
        return [(n, column_letter(n)) for n in range(1, self.width + 1)]

    @property
    def delimiter_name(self) -> str:
        return {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(self.delimiter, self.delimiter)


def preview(path: str, filename: str = "", rows: int = PREVIEW_ROWS) -> Preview:
    """The first rows exactly as the import will read them, without reading the rest of the file."""
    kind = sniff_kind(path, filename)
    handle = None
    encoding = delimiter = ""
    if kind == "xlsx":
        source = iter_xlsx(path)  # keeps the zip checks, defusedxml and read-only streaming
    else:
        handle, delimiter = open_csv(path)
        encoding = handle.encoding
        source = iter_csv(handle, delimiter)
    shown = []
    try:
        for line, cells in source:
            texts = [_cell_text(c)[:PREVIEW_CELL] for c in cells[:PREVIEW_COLUMNS]]
            while texts and texts[-1] == "":
                texts.pop()  # openpyxl pads rows to the sheet's used width
            shown.append((line, texts))
            if len(shown) >= rows:
                break
    finally:
        if handle is not None:
            handle.close()
        if kind == "xlsx":
            source.close()  # runs iter_xlsx's finally: the workbook is closed
    if not shown or all(not cells for _, cells in shown):
        raise SheetError("The file has no rows to show.")
    width = max(len(cells) for _, cells in shown)
    shown = [(line, cells + [""] * (width - len(cells))) for line, cells in shown]
    return Preview(kind=kind, rows=shown, width=width, encoding=encoding, delimiter=delimiter)
