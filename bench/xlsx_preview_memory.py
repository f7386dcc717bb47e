"""Preview a crafted workbook whose shared-string table is huge; print one JSON line.

    python bench/xlsx_preview_memory.py [--strings 4000000] [--no-bound]

Measures the peak RSS and the time of `parsing.preview` in this process. `--no-bound` switches the
shared-string check off, to show what the bound saves. Not timed: crafting the workbook.
"""

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ratecards import parsing  # noqa: E402 - after the path is set
from tests.ratecards.test_xlsx_memory import crafted_workbook  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--strings", type=int, default=4_000_000)
    parser.add_argument("--no-bound", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = crafted_workbook(Path(tmp) / "crafted.xlsx", args.strings)
        if args.no_bound:
            parsing._check_shared_strings = lambda _archive: None
        start = time.monotonic()
        try:
            outcome = f"read ({parsing.preview(str(path), 'deck.xlsx').kind})"
        except parsing.SheetError as exc:
            outcome = f"refused: {exc}"
        print(
            json.dumps(
                {
                    "bench": "xlsx_preview_memory",
                    "strings": args.strings,
                    "bound": not args.no_bound,
                    "file_mb": round(path.stat().st_size / 2**20, 1),
                    "seconds": round(time.monotonic() - start, 2),
                    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
                    "outcome": outcome[:80],
                }
            )
        )


if __name__ == "__main__":
    main()
