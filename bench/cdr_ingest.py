"""CDR ingest speed on 2 cores: N CDRs POSTed to /api/v1/cdr in batches by 2 concurrent clients,
served by gunicorn (2 workers, `routing.wsgi` as the Procfile's `api`), each batch rated, stored
(into the month-partitioned table), charged (ledger lines) and rolled up (hourly upserts).

Every batch (random customers, prefixes, carriers, starts over --spread-hours) is built before the clock
starts, so the clients cost almost nothing while timed. After the run the bench checks that every
CDR was stored and charged exactly once (rows, call ids, ledger and carrier-cost sums, rollups)
and exits non-zero otherwise. CPU is read from /proc for the gunicorn workers and their PostgreSQL backends:
`server_cpu_us_per_cdr` is what one CDR costs the machine, whatever else runs beside the bench.

Baseline, measured in the same run on the same rows: PostgreSQL COPY of the already-rated rows
into a plain table shaped like the CDR table (no indexes, no idempotency, no rating, no money, no
rollups): the floor of what storing those rows costs on this machine.

Prints one JSON line: {"cdrs", "batch", "clients", "seconds", "cdrs_per_s", "server_cpu_us_per_cdr",
"peak_rss_mb", "baseline_copy_s", "baseline_cdrs_per_s", "ratio"} (ratio = our time / COPY's time;
peak_rss_mb is the largest peak resident memory of one gunicorn worker over the run).
Run: BENCH_DATABASE_URL=postgres:///cx_ingestbench .venv/bin/python bench/cdr_ingest.py
     [--cdrs 1000000] [--batch 5000] [--clients 2] [--spread-hours 480]
"""

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson
from _common import ROOT, setup_django

CUSTOMERS = 100
CARRIERS = 3
PREFIXES = 300


def make_world():
    from carriers.models import Carrier
    from customers.models import Customer, LedgerEntry
    from ratecards.models import CustomerCard, CustomerCardRate, CustomerCardRevision
    from routing.models import IngressRoute
    from routing.services import api_token_create

    rng = random.Random(5)
    carriers = [Carrier.objects.create(name=f"Bench carrier {i}", currency="USD") for i in range(CARRIERS)]
    card = CustomerCard.objects.create(name="Bench card", currency="USD", precision=4, rounding="up")
    revision = CustomerCardRevision.objects.create(card=card, number=1, row_count=PREFIXES)
    prefixes = sorted(
        {"44" + "".join(rng.choices("0123456789", k=rng.randint(1, 4))) for _ in range(PREFIXES)}
    )
    rows = {}
    for prefix in prefixes:
        rate = Decimal(rng.randint(50, 900)) / 10000
        rows[prefix] = (rate, [(c.pk, rate * Decimal("0.7")) for c in carriers])
    CustomerCardRate.objects.bulk_create(
        CustomerCardRate(
            revision=revision,
            prefix=p,
            name=f"Dest {p}",
            rate=rate,
            mcd=rng.choice((1, 30, 60)),
            pulse=rng.choice((1, 6, 60)),
            providers=[{"carrier_id": cid, "cost": str(cost), "mcd": 1, "pulse": 1} for cid, cost in costs],
        )
        for p, (rate, costs) in rows.items()
    )
    card.current_revision = revision
    card.save()
    customers, routes = [], []
    for i in range(CUSTOMERS):
        customer = Customer.objects.create(name=f"Bench customer {i}", currency="USD")
        LedgerEntry.objects.create(customer=customer, kind="payment", amount=Decimal(10**9), currency="USD")
        customers.append(customer)
        routes.append(IngressRoute.objects.create(customer=customer, card=card))
    _, token = api_token_create(actor=None, name="bench")
    return token, customers, routes, carriers, rows


def batches(total: int, size: int, world, run: str, spread: float):
    _token, customers, routes, _carriers, rows = world
    rng = random.Random(11)
    prefixes = list(rows)
    # Each generated number's longest matching prefix (a number may reach a longer prefix).
    longest = {p: max((q for q in rows if (p + "1234567").startswith(q)), key=len) for p in prefixes}
    now = datetime.now(UTC).replace(microsecond=0)
    sent = 0
    while sent < total:
        items = []
        for i in range(sent, min(total, sent + size)):
            k = rng.randrange(CUSTOMERS)
            chosen = rng.choice(prefixes)
            prefix = longest[chosen]
            rate, costs = rows[prefix]
            carrier_id, cost = costs[rng.randrange(CARRIERS)]
            start = now - timedelta(seconds=int(rng.random() * spread))
            answered = rng.random() < 0.6
            talk = rng.randrange(1, 600) if answered else 0
            items.append(
                {
                    "call_id": f"{run}-{i}",
                    "customer_id": customers[k].pk,
                    "route_id": routes[k].pk,
                    "carrier_id": carrier_id,
                    "gateway": "192.0.2.10:5060",
                    "number": chosen + "1234567",
                    "prefix": prefix,
                    "rate": str(rate),
                    "cost": str(cost),
                    "start": start.isoformat(),
                    "answer": (start + timedelta(seconds=2)).isoformat() if answered else None,
                    "end": (start + timedelta(seconds=2 + talk)).isoformat(),
                    "sip_code": 200 if answered else 486,
                    "source_ip": "198.51.100.7",
                }
            )
        sent += len(items)
        yield items


SERVER_FLAGS = ("--log-level", "warning", "--timeout", "120", "--no-control-socket")
HZ = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids) -> float:
    """User + system CPU of these processes so far (from /proc; 0 for a process gone)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / HZ


def peak_rss_mb(pids) -> float:
    """The largest peak resident set (VmHWM) among these processes, in MB."""
    peaks = [0]
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        peaks += [int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")]
    return round(max(peaks) / 1024, 1)


def server_env() -> dict:
    return {
        **os.environ,
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "HTTPS": "false",
        "STATIC_MANIFEST": "false",
        "PANEL_HOSTS": "127.0.0.1,localhost",
        "FIELD_ENCRYPTION_KEYS": os.environ.get(
            "FIELD_ENCRYPTION_KEYS", "RBML506CZtxKvnpcZRdbO1tTK3leQbpWa943wnBglbY="
        ),
        "LOG_LEVEL": "WARNING",
        # Connections kept for the whole run: their backends' CPU is what the bench reads.
        "CONN_MAX_AGE": "86400",
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://localhost:6379/13"),
    }


def start_server(port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "routing.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            *SERVER_FLAGS,
        ],
        cwd=ROOT,
        env=server_env(),
    )


def post(conn: http.client.HTTPConnection, token: str, body: bytes) -> dict:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    conn.request("POST", "/api/v1/cdr", body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    if response.status != 200:
        raise RuntimeError(f"bench: {response.status} {data[:300]!r}")
    answer = json.loads(data)
    if answer["rejected"] or answer["duplicates"]:
        raise RuntimeError(f"bench batch refused: {str(answer)[:500]}")
    return answer


def wait_ready(port: int, token: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/api/v1/cdr", headers={"Authorization": f"Bearer {token}"})
            if conn.getresponse().status == 405:
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def send_all(port: int, token: str, body, posts: int, clients: int) -> None:
    """POST body(0) .. body(posts - 1) over `clients` concurrent connections; exit on a failure."""
    queue = list(range(posts))
    lock = threading.Lock()
    failures = []

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                if not queue or failures:
                    return
                n = queue.pop(0)
            try:
                post(conn, token, body(n))
            except Exception as exc:  # reported below: the run fails
                failures.append(exc)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        sys.exit(str(failures[0]))


def check_exactly_once(total: int) -> dict:
    """Every CDR stored, its call id recorded, charged and costed once, rolled up once."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM cdr_cdr), (SELECT count(DISTINCT call_id) FROM cdr_cdr), "
            "(SELECT count(*) FROM cdr_cdrcallid), (SELECT sum(charge) FROM cdr_cdr), "
            "(SELECT -sum(amount) FROM customers_ledgerentry WHERE kind = 'charge'), "
            "(SELECT sum(cost) FROM cdr_cdr), (SELECT sum(amount) FROM cdr_carriercost), "
            "(SELECT sum(attempts) FROM cdr_cdrhourly), (SELECT sum(revenue) FROM cdr_cdrhourly)"
        )
        rows, ids, call_ids, charged, ledger, cost, carrier, attempts, revenue = cursor.fetchone()
    figures = {"rows": rows, "call_ids": call_ids, "charge": str(charged), "ledger": str(ledger)}
    if not (
        rows == ids == call_ids == attempts == total and charged == ledger == revenue and cost == carrier
    ):
        sys.exit(f"bench: not every CDR stored and charged exactly once: {figures}, cost {cost}/{carrier}")
    return figures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cdrs", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=2)
    # Starts spread over this many hours before now: 480 (20 days) is a backlog replayed after an
    # outage, nearly one rollup row per CDR; a live switch posts calls as they end (a few hours).
    parser.add_argument("--spread-hours", type=float, default=480)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from cdr.ingest import COLUMNS, _copy_text
    from cdr.validation import validate_batch
    from routing.engine import engine

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE cdr_cdr, cdr_cdrcallid, cdr_cdrhourly, cdr_carriercost, customers_ledgerentry, "
            "routing_ingressroute, routing_apitoken, ratecards_customercardrate, customers_customer, "
            "carriers_carrier, ratecards_customercard CASCADE"
        )
    world = make_world()
    token = world[0]
    # Every body is built before the clock starts (about 420 MB for a million CDRs).
    run, spread = f"b{int(time.time())}", args.spread_hours * 3600
    bodies = [orjson.dumps(items) for items in batches(args.cdrs, args.batch, world, run, spread)]
    total = args.cdrs
    port = free_port()
    server = start_server(port)
    try:
        wait_ready(port, token)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            mine = cursor.fetchone()[0]
        workers = [int(p) for p in Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()]
        # Warm both workers (imports, snapshot, partitions) on batches of their own; not timed.
        warm = orjson.loads(bodies[0])[: args.batch // 10]
        warm_bodies = [
            orjson.dumps([{**i, "call_id": f"warm{k}-{i['call_id']}"} for i in warm]) for k in range(4)
        ]
        send_all(port, token, lambda n: warm_bodies[n], 4, args.clients)
        total += 4 * len(warm)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> %s", [mine]
            )
            backends = [row[0] for row in cursor.fetchall()]
        cpu_before = cpu_seconds(workers), cpu_seconds(backends)
        started = time.perf_counter()
        send_all(port, token, bodies.__getitem__, len(bodies), args.clients)
        ours = time.perf_counter() - started
        python_cpu = cpu_seconds(workers) - cpu_before[0]
        database_cpu = cpu_seconds(backends) - cpu_before[1]
        worker_peak = peak_rss_mb(workers)
    finally:
        server.terminate()
        server.wait(timeout=30)
    created = total - 4 * len(warm)
    checked = check_exactly_once(total)

    # The baseline: the same rows, already rated, COPYed into a plain table.
    engine.reset()
    snap = engine.snapshot()
    now = datetime.now(UTC)
    baseline = 0.0
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_copy (LIKE cdr_cdr INCLUDING DEFAULTS INCLUDING IDENTITY)")
        for body in bodies:
            text = _copy_text(validate_batch(snap, orjson.loads(body), now)[0], now)
            started = time.perf_counter()
            with cursor.copy(f"COPY bench_copy ({COLUMNS}) FROM STDIN") as copy:
                copy.write(text)
            baseline += time.perf_counter() - started
    print(
        json.dumps(
            {
                "cdrs": created,
                "batch": args.batch,
                "spread_hours": args.spread_hours,
                "clients": args.clients,
                "workers": 2,
                "seconds": round(ours, 2),
                "cdrs_per_s": round(created / ours),
                "server_cpu_us_per_cdr": round((python_cpu + database_cpu) / created * 1e6, 1),
                "workers_cpu_us_per_cdr": round(python_cpu / created * 1e6, 1),
                "postgres_cpu_us_per_cdr": round(database_cpu / created * 1e6, 1),
                "peak_rss_mb": worker_peak,
                "baseline_copy_s": round(baseline, 2),
                "baseline_cdrs_per_s": round(created / baseline),
                "ratio": round(ours / baseline, 2),
                "exactly_once": checked,
            }
        )
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    main()
