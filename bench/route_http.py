"""The routing API under load: gunicorn (2 workers) on loopback, driven by wrk.

Builds its own database (BENCH_DATABASE_URL, default postgres:///connexcs_bench) with a
100,000-prefix customer card, three carriers, one IP-authenticated customer and an API token,
starts gunicorn, warms both workers, runs wrk with a Lua script POSTing varied numbers, then
publishes a new card revision and measures how long until every answer shows the new price.
A bare WSGI app answering fixed JSON (bench/bare_wsgi.py) runs beside ours under the same gunicorn
settings; wrk loads them in turns (ROUNDS times each), so one run gives ours, the baseline and their
ratio (medians over the rounds).
Prints one JSON line: requests, rps, p50_ms, p99_ms, errors, baseline_rps, baseline_p99_ms, ratio,
publish_write_s, publish_visible_s.
Run: .venv/bin/python bench/route_http.py   (needs /usr/bin/wrk)
Knobs: BENCH_APP (routing.wsgi | connexcs.wsgi), BENCH_WORKER_CLASS (gthread | sync),
BENCH_CONNECTIONS (8), BENCH_WRK_THREADS (2), BENCH_DURATION (5s per round),
BENCH_ROUNDS (3), BENCH_REDIS_URL (redis://localhost:6379/13).
"""

import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = os.environ.get("BENCH_DATABASE_URL", "postgres:///connexcs_bench")
DB_NAME = BENCH_DB.rsplit("/", 1)[-1]
PREFIXES = 100_000
DURATION = os.environ.get("BENCH_DURATION", "5s")  # per round and per app
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
WRK_THREADS = int(os.environ.get("BENCH_WRK_THREADS", "2"))
WORKER_CLASS = os.environ.get("BENCH_WORKER_CLASS", "gthread")  # keeps connections alive
IP = "198.51.100.7"
# routing.wsgi serves the API path without Django's request cycle; connexcs.wsgi is the plain panel app.
APP = os.environ.get("BENCH_APP", "routing.wsgi")
BASELINE_APP = "bench.bare_wsgi"  # fixed JSON, no Django: what gunicorn and the network alone cost
ENV = {
    **os.environ,
    "DATABASE_URL": BENCH_DB,
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "HTTPS": "false",
    "STATIC_MANIFEST": "false",
    "PANEL_HOSTS": "127.0.0.1,localhost",
    "FIELD_ENCRYPTION_KEYS": os.environ.get(
        "FIELD_ENCRYPTION_KEYS", "RBML506CZtxKvnpcZRdbO1tTK3leQbpWa943wnBglbY="
    ),
    "LOG_LEVEL": "WARNING",
    # A Redis database of its own: a shared one carries other processes' version bumps, and every
    # bump makes both workers reload mid-run.
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://localhost:6379/13"),
}


def fresh_database():
    subprocess.run(["dropdb", "--if-exists", DB_NAME], check=True)
    subprocess.run(["createdb", DB_NAME], check=True)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=ENV, check=True
    )


def django_setup():
    os.environ.update(ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "connexcs.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def synthetic_prefixes(rng):
    prefixes = set()
    while len(prefixes) < PREFIXES:
        prefixes.add("".join(rng.choices("0123456789", k=rng.randint(2, 9))))
    return sorted(prefixes)


def publish(card, prefixes, carriers, rate="0.0100"):
    """A new revision of `card` with every prefix, written with COPY, then made current."""
    from django.db import connection, transaction

    from connexcs import versioning
    from ratecards.models import CustomerCardRate, CustomerCardRevision

    providers = json.dumps(
        [
            {
                "carrier_id": c.pk,
                "provider_card_id": None,
                "prefix": "",
                "cost": f"0.00{i + 1}",
                "mcd": 1,
                "pulse": 1,
            }
            for i, c in enumerate(carriers)
        ]
    )
    with transaction.atomic():
        number = card.revisions.count() + 1
        revision = CustomerCardRevision.objects.create(card=card, number=number, row_count=len(prefixes))
        table = CustomerCardRate._meta.db_table
        columns = "revision_id, prefix, name, rate, connect_cost, mcd, pulse, blocked, providers"
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for prefix in prefixes:
                copy.write_row((revision.pk, prefix, f"Dest {prefix}", rate, "0", 1, 1, False, providers))
        card.current_revision = revision
        card.save(update_fields=["current_revision"])
        versioning.bump("routing")
    return revision


def seed(rng):
    from decimal import Decimal

    from carriers.models import Carrier, Gateway
    from customers.models import Customer, IPAuth, LedgerEntry
    from ratecards.models import CustomerCard
    from routing.models import IngressRoute
    from routing.services import api_token_create

    prefixes = synthetic_prefixes(rng)
    carriers = []
    for i in range(3):
        carrier = Carrier.objects.create(name=f"Bench carrier {i}")
        Gateway.objects.create(carrier=carrier, address=f"192.0.2.{i + 1}", kind="ip")
        carriers.append(carrier)
    card = CustomerCard.objects.create(name="Bench 100k")
    publish(card, prefixes, carriers)
    customer = Customer.objects.create(name="Bench customer", debit_limit=Decimal(0))
    LedgerEntry.objects.create(customer=customer, kind="payment", amount=Decimal(1000), currency="USD")
    IPAuth.objects.create(customer=customer, address=IP, kind="ip")
    IngressRoute.objects.create(customer=customer, card=card)
    _, secret = api_token_create(actor=None, name="bench")
    return card, prefixes, carriers, secret


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url, token, number):
    body = json.dumps({"source_ip": IP, "number": number}).encode()
    request = urllib.request.Request(
        url, data=body, headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def lua_script(token, numbers):
    table = ",".join(f'"{n}"' for n in numbers)
    return f"""
local numbers = {{{table}}}
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
request = function()
  i = i + 1
  local n = numbers[(i % #numbers) + 1]
  return wrk.format("POST", nil, nil, '{{"source_ip":"{IP}","source_port":5060,"number":"' .. n .. '"}}')
end
bad = 0
response = function(status, headers, body)
  if status ~= 200 or not string.find(body, '"code":200', 1, true) then
    bad = bad + 1
  end
end
local threads = {{}}
setup = function(thread) table.insert(threads, thread) end
done = function(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + (t:get("bad") or 0) end
  io.write("bad=" .. total .. "\\n")
end
"""


def to_ms(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return round(float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit], 3)


def parse_wrk(out):
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = to_ms(re.search(r"^\s*50%\s+(\S+)", out, re.M).group(1))
    p99 = to_ms(re.search(r"^\s*99%\s+(\S+)", out, re.M).group(1))
    errors = 0
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if socket_errors:
        errors += sum(int(x) for x in socket_errors.groups())
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        errors += int(non2xx.group(1))
    return {"requests": requests, "rps": round(rps), "p50_ms": p50, "p99_ms": p99, "errors": errors}


def start(app, port):
    return subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            app,
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--worker-class",
            WORKER_CLASS,
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=ENV,
    )


def stop(process):
    process.terminate()
    process.wait(timeout=20)


def wait_ready(url, token, numbers, check):
    deadline = time.monotonic() + 60
    while True:
        try:
            # Several calls so both workers are warm (and have compiled the card) before wrk starts.
            if all(check(post(url, token, numbers[i])) for i in range(20)):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def load(url, token, numbers):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua_script(token, numbers))
    out = subprocess.run(
        [
            "/usr/bin/wrk",
            f"-t{WRK_THREADS}",
            f"-c{CONNECTIONS}",
            f"-d{DURATION}",
            "--latency",
            "-s",
            script.name,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script.name)
    try:
        figures = parse_wrk(out)
    except (AttributeError, ValueError):
        sys.exit(f"could not read wrk's output:\n{out}")
    bad = re.search(r"bad=(\d+)", out)
    figures["errors"] += int(bad.group(1)) if bad else 0
    return figures


def publish_visible(url, token, card, prefixes, carriers, probe):
    """Publish a whole new 100k revision at a new price; time until 20 answers in a row carry it."""
    started = time.monotonic()
    publish(card, prefixes, carriers, rate="0.0200")
    published = time.monotonic()
    streak = 0
    while streak < 20 and time.monotonic() - published < 30:
        streak = streak + 1 if post(url, token, probe).get("rate") == "0.020000" else 0
        if streak == 0:
            time.sleep(0.01)
    return round(published - started, 3), round(time.monotonic() - published, 3)


def main():
    rng = random.Random(11)
    fresh_database()
    django_setup()
    card, prefixes, carriers, token = seed(rng)
    numbers = [p + "".join(rng.choices("0123456789", k=12 - len(p))) for p in rng.sample(prefixes, 2000)]
    ports = {BASELINE_APP: free_port(), APP: free_port()}
    urls = {app: f"http://127.0.0.1:{port}/api/v1/route" for app, port in ports.items()}
    servers = [start(app, port) for app, port in ports.items()]
    try:
        wait_ready(urls[BASELINE_APP], token, numbers, lambda answer: answer["code"] == 200)
        wait_ready(urls[APP], token, numbers, lambda answer: answer["code"] == 200 and "rate" in answer)
        # Baseline and ours take turns under the same load, so a busy machine slows both alike.
        runs = {app: [] for app in urls}
        for _ in range(ROUNDS):
            for app, url in urls.items():
                runs[app].append(load(url, token, numbers))
        write_s, visible_s = publish_visible(urls[APP], token, card, prefixes, carriers, numbers[0])
    finally:
        for server in servers:
            stop(server)
    base, ours = runs[BASELINE_APP], runs[APP]
    figures = {
        "requests": sum(r["requests"] for r in ours),
        "rps": median(r["rps"] for r in ours),
        "p50_ms": median(r["p50_ms"] for r in ours),
        "p99_ms": median(r["p99_ms"] for r in ours),
        "errors": sum(r["errors"] for r in ours),
        "baseline_rps": median(r["rps"] for r in base),
        "baseline_p99_ms": median(r["p99_ms"] for r in base),
    }
    figures.update(
        ratio=round(figures["rps"] / figures["baseline_rps"], 2),
        rounds=ROUNDS,
        publish_write_s=write_s,
        publish_visible_s=visible_s,
        prefixes=len(prefixes),
        workers=2,
        worker_class=WORKER_CLASS,
        app=APP,
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
