"""Real calls leave CDRs: Kamailio posts them at dialog end (and for failed calls), the customer is
charged exactly the billed amount once, the carrier's cost is recorded, and a panel outage loses
nothing (the switch spools and retries)."""

import json
import os
import sqlite3
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

from cdr.models import CarrierCost, Cdr
from customers.models import LedgerEntry
from customers.selectors import customer_balance
from routing.switch_config import SwitchConfig, async_available, render
from tests.helpers import wait_for

from . import sip
from .conftest import NUMBER, settle

pytestmark = pytest.mark.django_db(transaction=True)


def call(switch_port, world, *, hold=1200):
    path = sip.scenario("uac_call", world.workdir, hold=hold)
    return sip.run_uac(path, NUMBER, switch_port, world.workdir)


def post_cdr(url: str, token: str, body: dict) -> int:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def as_sent(cdr: Cdr) -> dict:
    """The CDR as the switch sent it (what a retry would send again)."""
    return {
        "call_id": cdr.call_id,
        "customer_id": cdr.customer_id,
        "route_id": cdr.ingress_route_id,
        "carrier_id": cdr.carrier_id,
        "number": cdr.number,
        "prefix": cdr.prefix,
        "rate": str(cdr.rate),
        "cost": str(cdr.carrier_rate),
        "start": cdr.start.isoformat(),
        "answer": cdr.answer.isoformat() if cdr.answer else None,
        "end": cdr.end.isoformat(),
        "sip_code": cdr.sip_code,
    }


def money():
    return (
        LedgerEntry.objects.count(),
        list(CarrierCost.objects.values_list("carrier_id", "amount")),
        Cdr.objects.count(),
    )


def test_after_a_call_the_cdr_is_there_and_the_balance_dropped_by_exactly_the_charge(switch, world, api):
    before = customer_balance(world.customer)

    result = call(switch.port, world)

    assert result.ok, result.messages + switch.log_text()
    cdr = wait_for(lambda: Cdr.objects.filter(customer_id=world.customer.pk).first(), timeout=10)
    assert cdr is not None, switch.log_text()
    assert (cdr.sip_code, cdr.carrier_id, cdr.number, cdr.prefix) == (
        200,
        world.cheap.carrier.pk,
        NUMBER,
        "44",
    )
    assert cdr.answer is not None and cdr.duration >= 1 and cdr.billed_seconds >= cdr.duration
    assert cdr.gateway == f"{world.cheap.uas.ip}:{world.cheap.uas.port}"
    assert cdr.cli == "customer"  # the From user sipp sent
    assert [t["carrier_id"] for t in cdr.tried] == [world.cheap.carrier.pk]
    assert cdr.charge > 0 and cdr.cost > 0
    assert before - customer_balance(world.customer) == cdr.charge
    assert LedgerEntry.objects.get(customer=world.customer, kind="charge").amount == -cdr.charge
    assert CarrierCost.objects.get(carrier_id=world.cheap.carrier.pk).amount == cdr.cost

    # The same CDR again (a retry after a lost answer): nothing changes.
    state = (customer_balance(world.customer), money())
    cdr_url = api.rsplit("/", 1)[0] + "/cdr"
    assert post_cdr(cdr_url, world.token, as_sent(cdr)) == 409
    assert (customer_balance(world.customer), money()) == state


def test_the_cli_is_the_asserted_identity_when_the_callers_network_gives_one(switch, world):
    path = sip.scenario("uac_call_pai", world.workdir, hold=200)

    result = sip.run_uac(path, NUMBER, switch.port, world.workdir)

    assert result.ok, result.messages + switch.log_text()
    cdr = wait_for(lambda: Cdr.objects.filter(customer_id=world.customer.pk).first(), timeout=10)
    assert cdr is not None, switch.log_text()
    assert cdr.cli == "+442071230000" and cdr.charge > 0


@pytest.mark.parametrize("carrier_answers", [{"cheap": "uas_refuse", "dear": "uas_refuse"}])
def test_a_failed_call_leaves_a_cdr_that_costs_nothing(switch, world):
    before = customer_balance(world.customer)
    # A proxy turns a 503 into a 500 for the caller (RFC 3261 16.7); the CDR keeps the carrier's 503.
    path = sip.scenario("uac_refused", world.workdir, expect=500)

    result = sip.run_uac(path, NUMBER, switch.port, world.workdir)

    assert result.finals() == ["500 Service Unavailable"], result.messages + switch.log_text()
    cdr = wait_for(lambda: Cdr.objects.filter(customer_id=world.customer.pk).first(), timeout=10)
    assert cdr is not None, switch.log_text()
    assert (cdr.sip_code, cdr.answer, cdr.charge, cdr.cost) == (503, None, 0, 0)
    # Both carriers were tried, the dearer one last.
    assert [t["carrier_id"] for t in cdr.tried] == [world.cheap.carrier.pk, world.dear.carrier.pk]
    assert cdr.carrier_id == world.dear.carrier.pk
    assert customer_balance(world.customer) == before


@dataclass
class SpoolingSwitch:
    port: int
    config: SwitchConfig
    workdir: Path
    proc: object = None

    def start(self):
        self.proc = sip.start_kamailio(render(self.config), self.port, self.workdir)

    def restart(self):
        sip.stop(self.proc)
        self.start()

    def log(self) -> str:
        return (self.workdir / "kamailio.log").read_text()

    def spooled(self) -> int:
        with sqlite3.connect(self.workdir / "cdr_spool.sqlite") as db:
            return db.execute("SELECT count(*) FROM cdr_spool").fetchone()[0]


@pytest.fixture
def spooling_switch(world, api):
    """A switch whose CDR API is down (nothing listens on its port) until the test starts it."""
    port = sip.free_port()
    cdr_port = sip.free_port(sip.socket.SOCK_STREAM)
    config = SwitchConfig(
        api_url=api,
        cdr_url=f"http://127.0.0.1:{cdr_port}/api/v1/cdr",
        cdr_retry_s=1,
        token=world.token,
        listen=(f"udp:127.0.0.1:{port}",),
        async_http=async_available() and os.environ.get("SWITCH_HTTP_CLIENT") != "sync",
        children=2,
        http_workers=2,
        api_timeout_ms=2000,
        debug=1,
        log_stderror=True,
        pid_dir=str(world.workdir),
    )
    switch = SpoolingSwitch(port, config, world.workdir)
    switch.start()
    settle()
    started = []

    def start_cdr_api():
        with connection.cursor():
            name = connection.settings_dict["NAME"]
        workdir = world.workdir / "cdr-api"
        workdir.mkdir()
        started.append(sip.start_api(name, cdr_port, workdir, workers=1))

    yield switch, start_cdr_api
    sip.stop(switch.proc)
    for p in started:
        sip.stop(p)


def test_a_panel_outage_and_a_switch_restart_lose_no_cdr(spooling_switch, world):
    switch, start_cdr_api = spooling_switch
    before = customer_balance(world.customer)

    result = call(switch.port, world, hold=200)
    assert result.ok, result.messages
    assert wait_for(lambda: "CDR spool: the panel answered" in switch.log(), timeout=10)
    assert not Cdr.objects.exists() and switch.spooled() == 1

    switch.restart()  # the spool is on disk: the CDR is still there for the new Kamailio
    assert switch.spooled() == 1
    start_cdr_api()  # the panel is back: the spool drains

    cdr = wait_for(lambda: Cdr.objects.first(), timeout=15)
    assert cdr is not None, switch.log()
    assert wait_for(lambda: switch.spooled() == 0, timeout=10), switch.log()
    assert cdr.sip_code == 200 and cdr.cli == "customer"
    assert Cdr.objects.count() == 1 and LedgerEntry.objects.filter(kind="charge").count() == 1
    assert before - customer_balance(world.customer) == cdr.charge
