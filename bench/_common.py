"""Shared set-up for benchmarks: Django against $DATABASE_URL, and the shared deck generator."""

import os
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RATEDECK = (ROOT / ".." / "shared" / "tools" / "ratedeck.py").resolve()


def setup_django() -> None:
    """Django on a database of the benchmarks' own (never the developer's data), migrated."""
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "postgres:///connexcs_bench_cards")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "connexcs.settings")
    os.environ.setdefault("DEBUG", "true")
    subprocess.run([sys.executable, str(ROOT / "scripts" / "ensure_db.py")], check=True)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def deck(path: Path, rows: int, carrier: int = 1, extra: list[str] | None = None) -> Path:
    if not RATEDECK.exists():
        sys.exit(f"Deck generator not found at {RATEDECK}; benches expect ../shared/tools/ratedeck.py")
    with open(path, "wb") as out:
        cmd = [sys.executable, str(RATEDECK), "--rows", str(rows), "--carrier", str(carrier), *(extra or [])]
        subprocess.run(cmd, stdout=out, check=True)
    return path


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
