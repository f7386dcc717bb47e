"""A workbook's shared-string table is bounded before openpyxl loads it: the preview of a crafted
workbook is refused with a message, and the peak memory of the process stays under 200 MB."""

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from ratecards import parsing

ROOT = Path(__file__).resolve().parents[2]
PEAK_RSS_BOUND_KB = 200 * 1024
SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)

# VmHWM is this process's own peak; ru_maxrss would also carry the parent's size across fork+exec.
PREVIEW_IN_A_FRESH_PROCESS = """
import json, re, sys
from ratecards import parsing
try:
    result = {"kind": parsing.preview(sys.argv[1], "deck.xlsx").kind}
except parsing.SheetError as exc:
    result = {"error": str(exc)}
with open("/proc/self/status") as status:
    result["peak_kb"] = int(re.search(r"VmHWM:\\s+(\\d+) kB", status.read())[1])
print(json.dumps(result))
"""


def crafted_workbook(path: Path, count: int, *, text: str = "{:08d}", stated: int | None = None) -> Path:
    """A real one-sheet workbook whose shared-string table holds `count` different texts."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["Prefix", "Name", "Cost"])
    workbook.active.append([441, "UK", 0.006])
    source = io.BytesIO()
    workbook.save(source)
    stated = count if stated is None else stated
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "[Content_Types].xml":  # declare the table, as Excel does
                data = data.replace(b"</Types>", SHARED_STRINGS_TYPE + b"</Types>")
            if info.filename != parsing.SHARED_STRINGS_PART:
                out.writestr(info, data)
        with out.open(parsing.SHARED_STRINGS_PART, "w", force_zip64=True) as part:
            part.write(
                b'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main" count="%d" uniqueCount="%d">' % (stated, stated)
            )
            part.write(b"<si><t>Prefix</t></si><si><t>Name</t></si><si><t>Cost</t></si><si><t>UK</t></si>")
            step = 100_000
            for start in range(0, count - 4, step):
                chunk = range(start, min(start + step, count - 4))
                part.write("".join(f"<si><t>{text.format(i)}</t></si>" for i in chunk).encode())
            part.write(b"</sst>")
    return path


def _preview_in_subprocess(path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PREVIEW_IN_A_FRESH_PROCESS, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_huge_shared_string_table_is_refused_within_the_memory_bound(tmp_path):
    # 4 million different texts, some 96 MB of XML in a ~10 MB file within the ratio limit.
    path = crafted_workbook(tmp_path / "big.xlsx", 4_000_000)
    result = _preview_in_subprocess(path)
    assert "too much text" in result.get("error", "")
    assert result["peak_kb"] < PEAK_RSS_BOUND_KB


def test_a_table_that_states_a_small_count_is_counted_anyway(tmp_path):
    path = crafted_workbook(
        tmp_path / "liar.xlsx", parsing.SHARED_STRINGS_MAX_COUNT + 10, text="{}", stated=1
    )
    with pytest.raises(parsing.SheetError, match="too much text"):
        parsing.preview(str(path), "deck.xlsx")


def test_a_table_just_inside_the_bounds_previews_within_the_memory_bound(tmp_path):
    path = crafted_workbook(tmp_path / "inside.xlsx", parsing.SHARED_STRINGS_MAX_COUNT - 10, text="{:017d}")
    result = _preview_in_subprocess(path)
    assert result.get("kind") == "xlsx", result
    assert result["peak_kb"] < PEAK_RSS_BOUND_KB
