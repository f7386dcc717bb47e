"""Calls per second through the whole switch: sipp (customer) -> Kamailio -> sipp (carrier),
every INVITE routed by `gunicorn routing.wsgi` on the same machine. Loopback only.

Seeds its own database (BENCH_DATABASE_URL, default postgres:///connexcs_bench_switch) through the
services, starts the API (2 workers), a carrier UAS, and Kamailio rendered by routing.switch_config
(http_async_client when installed), then places calls at rising rates, SWITCH_STEP_SECONDS (3) each,
until a rate loses a call or SWITCH_MAX_CPS (1000) is passed. Each call is a full dialog: INVITE,
180, 200, ACK, BYE, 200.
Prints one JSON line: cps_clean (highest rate with 0 failed calls), p50_ms / p99_ms (API time as
Kamailio saw it at that rate, from sending the request to resuming the call), http_client, and
by_rate (failed calls, p50_ms, p99_ms per step).
Run: .venv/bin/python bench/switch_cps.py
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres:///connexcs_bench_switch")
RATES = [
    r
    for r in (100, 200, 300, 400, 500, 600, 700, 800, 1000)
    if r <= int(os.environ.get("SWITCH_MAX_CPS", "1000"))
]
STEP_SECONDS = int(os.environ.get("SWITCH_STEP_SECONDS", "3"))
NUMBER = "442071234567"
HOLD_MS = int(os.environ.get("SWITCH_HOLD_MS", "200"))  # answered calls last this long


def setup():
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = DB_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "connexcs.settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
    os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "RBML506CZtxKvnpcZRdbO1tTK3leQbpWa943wnBglbY=")
    os.environ.setdefault("HTTPS", "false")
    os.environ.setdefault("STATIC_MANIFEST", "false")
    name = DB_URL.rsplit("/", 1)[-1]
    subprocess.run(["dropdb", "--if-exists", name], check=True)
    subprocess.run(["createdb", name], check=True)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return name


def seed(uas):
    from carriers import services as carrier_services
    from customers import services as customer_services
    from ratecards import services as card_services
    from routing import services as routing_services

    carrier = carrier_services.carrier_create(actor=None, name="Bench carrier", currency="USD")
    carrier_services.gateway_create(actor=None, carrier=carrier, address=uas.ip, port=uas.port)
    deck = card_services.provider_card_create(actor=None, name="Bench deck", carrier=carrier, currency="USD")
    draft = card_services.provider_draft_create(actor=None, card=deck)
    card_services.provider_rate_add(actor=None, revision=draft, prefix="44", name="UK", cost=Decimal("0.01"))
    card_services.provider_revision_publish(actor=None, revision=draft)
    card = card_services.customer_card_create(actor=None, name="Bench", currency="USD", providers=[deck])
    card_services.profit_rule_create(
        actor=None,
        card=card,
        prefix="",
        name="Default",
        profit_type="relative",
        value=Decimal("0.01"),
        apply_to="cost",
        billing="",
        precision=None,
        connect_cost=None,
        status="profit",
    )
    job = card_services.build_job_create(actor=None, card=card, run=False)
    card_services.build_run(job_id=job.pk)
    customer = customer_services.customer_create(actor=None, name="Bench customer", currency="USD")
    customer_services.payment_create(
        actor=None, customer=customer, description="Top-up", amount=Decimal(10**6), status="complete"
    )
    customer_services.ipauth_create(actor=None, customer=customer, address="127.0.0.1")
    routing_services.ingress_route_create(actor=None, customer=customer, card=card)
    return routing_services.api_token_create(actor=None, name="bench")[1]


def percentile(values, fraction):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * fraction))]


def quantiles(latencies):
    if not latencies:
        return {"p50_ms": None, "p99_ms": None}
    return {"p50_ms": round(percentile(latencies, 0.5), 2), "p99_ms": round(percentile(latencies, 0.99), 2)}


def failed_calls(stats: str) -> int:
    """FailedCall(C) from the last line of sipp's -trace_stat CSV."""
    lines = [line for line in stats.splitlines() if line.strip()]
    header, last = lines[0].split(";"), lines[-1].split(";")
    return int(last[header.index("FailedCall(C)")])


def main():
    database = setup()
    from routing.switch_config import SwitchConfig, async_available, render
    from tests.switch import sip

    work = Path(tempfile.mkdtemp(prefix="switch-bench-"))
    uas = sip.start_uas("uas_answer", "127.0.0.3", work, trace=False)
    procs = [uas.proc]
    try:
        token = seed(uas)
        api_port = sip.free_port(sip.socket.SOCK_STREAM)
        procs.append(sip.start_api(database, api_port, work, workers=2, threads=4))
        port = sip.free_port()
        use_async = async_available()
        config = SwitchConfig(
            api_url=f"http://127.0.0.1:{api_port}/api/v1/route",
            token=token,
            listen=(f"udp:127.0.0.1:{port}",),
            name="bench",
            async_http=use_async,
            children=4,
            http_workers=4,
            api_timeout_ms=500,  # the production default: a slower answer fails the call
            debug=2,
            log_stderror=True,
            pid_dir=str(work),
            log_api_time=True,
        )
        procs.append(sip.start_kamailio(render(config), port, work, shm_mb=256))
        log = work / "kamailio.log"
        time.sleep(1)  # the API workers load the seeded data
        scenario = sip.scenario("uac_call", work, hold=HOLD_MS)
        # Warm-up, not counted: both API workers load the data, http_async_client opens its connections.
        sip.run_uac(scenario, NUMBER, port, work, calls=100, rate=50, timeout=30, trace=False)
        steps, clean, latencies = {}, 0, []
        for rate in RATES:
            offset = log.stat().st_size
            result = sip.run_uac(
                scenario,
                NUMBER,
                port,
                work,
                calls=rate * STEP_SECONDS,
                rate=rate,
                timeout=STEP_SECONDS + 20,
                trace=False,
            )
            failed = failed_calls(result.stats) if result.stats.startswith("StartTime") else -1
            with log.open() as f:
                f.seek(offset)
                step_latencies = [int(v) / 1000 for v in re.findall(r"api_us=(\d+)", f.read())]
            steps[rate] = {"failed": failed, **quantiles(step_latencies)}
            if failed != 0 or not result.ok:
                break
            clean, latencies = rate, step_latencies
        figures = {
            "cps_clean": clean,
            **quantiles(latencies),
            "http_client": "http_async_client" if use_async else "http_client",
            "step_seconds": STEP_SECONDS,
            "hold_ms": HOLD_MS,
            "by_rate": steps,
            "cores": os.cpu_count(),
        }
        print(json.dumps(figures))
    finally:
        for proc in reversed(procs):
            sip.stop(proc)


if __name__ == "__main__":
    main()
