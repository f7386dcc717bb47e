"""Two switches of one cluster on loopback: limits are shared over DMQ, and a full server hands its
calls to its failover server (Setup > Settings > Servers: Clusters, Capacity Failover)."""

import re
import subprocess
import threading
import time

import pytest

from carriers import services as carrier_services
from tests.helpers import wait_for

from . import sip
from .conftest import NUMBER, settle, start_switch
from .test_calls import call, refused, set_limit

pytestmark = pytest.mark.django_db(transaction=True)


def dmq_peers_active(workdir) -> bool:
    """True once this switch's DMQ knows its peer as active (the cluster is formed)."""
    done = subprocess.run(
        ["kamcmd", "-s", f"unix:{workdir}/kamailio_ctl", "dmq.list_nodes"],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    return done.stdout.count("status: active") >= 2  # itself and the peer


@pytest.fixture
def node_a_options():
    """Node A's further SwitchConfig values; "B" as a value stands for node B's address."""
    return {}


@pytest.fixture
def cluster(world, api, node_a_options):
    """Nodes A and B of cluster "lon", each listing the other as its DMQ peer, the cluster formed."""
    ports = [sip.free_port(), sip.free_port()]
    while ports[1] == ports[0]:
        ports[1] = sip.free_port()
    addresses = [f"127.0.0.1:{p}" for p in ports]
    extra = [{k: addresses[1] if v == "B" else v for k, v in node_a_options.items()}, {}]
    procs, nodes = [], []
    try:
        for index, name in enumerate(("lon-a", "lon-b")):
            workdir = world.workdir / name
            workdir.mkdir()
            proc, node = start_switch(
                api,
                world.token,
                workdir,
                port=ports[index],
                name=name,
                cluster="lon",
                dmq_address=addresses[index],
                peers=(addresses[1 - index],),
                node_index=index,
                **extra[index],
            )
            procs.append(proc)
            nodes.append(node)
        assert wait_for(lambda: all(dmq_peers_active(n.log.parent) for n in nodes), timeout=30)
        settle()
        yield nodes
    finally:
        for proc in procs:
            sip.stop(proc)


def held_call(node, world, results, hold=4000):
    thread = threading.Thread(target=lambda: results.append(call(node, world, hold=hold)))
    thread.start()
    return thread


def test_a_customers_channel_limit_holds_across_the_cluster(world, cluster):
    a, b = cluster
    set_limit(world, "customer", channels=1)
    first = []
    holding = held_call(a, world, first)
    try:
        assert wait_for(lambda: world.cheap.uas.invites() == 1, timeout=10)
        # Node B has no call of its own: it counts node A's, copied over DMQ.
        while_held = refused(b, world, 503)
    finally:
        holding.join(timeout=30)

    assert while_held.ok, while_held.messages + b.log_text()
    assert while_held.finals() == ["503 Channel Limit Reached (customer)"]
    assert first and first[0].ok, first and first[0].messages + a.log_text()
    # Hung up on A: B hears of the dialog's end and takes the next call.
    after = call(b, world)
    assert after.ok, after.messages + b.log_text()
    assert wait_for(lambda: world.cheap.uas.invites() == 2, timeout=5)


def test_without_a_cluster_each_switch_counts_only_its_own_calls(world, api):
    """The control: two switches that are not clustered each allow the customer's one channel."""
    set_limit(world, "customer", channels=1)
    procs, nodes = [], []
    try:
        for name in ("solo-a", "solo-b"):
            (world.workdir / name).mkdir()
            proc, node = start_switch(api, world.token, world.workdir / name, name=name)
            procs.append(proc)
            nodes.append(node)
        settle()
        first = []
        holding = held_call(nodes[0], world, first)
        try:
            assert wait_for(lambda: world.cheap.uas.invites() == 1, timeout=10)
            second = call(nodes[1], world)
        finally:
            holding.join(timeout=30)
    finally:
        for proc in procs:
            sip.stop(proc)

    assert second.ok, second.messages + nodes[1].log_text()
    assert first[0].ok


def vias_of_invites(uas) -> list[str]:
    """The Via headers of each INVITE the carrier received, joined per message."""
    messages = re.split(r"^(?=INVITE sip:)", uas.received(), flags=re.M)
    return [" ".join(re.findall(r"^Via: [^\r\n]*", m, re.M)) for m in messages if m.startswith("INVITE")]


@pytest.mark.parametrize("node_a_options", [{"max_channels": 1, "failover": "B"}])
def test_a_server_at_capacity_hands_the_call_to_its_failover_server(world, cluster):
    a, b = cluster
    first = []
    holding = held_call(a, world, first)
    try:
        assert wait_for(lambda: world.cheap.uas.invites() == 1, timeout=10)
        second = call(a, world)
    finally:
        holding.join(timeout=30)

    assert second.ok, second.messages + a.log_text() + b.log_text()
    assert first[0].ok
    assert wait_for(lambda: world.cheap.uas.invites() == 2, timeout=5)
    first_vias, second_vias = vias_of_invites(world.cheap.uas)
    # The first call went A -> carrier; the second A -> B -> carrier, B asking the API with the
    # caller's own address (the customer is authorised by IP; A's address is not a customer's).
    assert f":{b.port}" not in first_vias
    assert f":{a.port}" in second_vias and f":{b.port}" in second_vias


@pytest.mark.parametrize("node_a_options", [{"max_channels": 1}])
def test_a_server_at_capacity_without_failover_refuses(world, cluster):
    a, _b = cluster
    first = []
    holding = held_call(a, world, first)
    try:
        assert wait_for(lambda: world.cheap.uas.invites() == 1, timeout=10)
        second = refused(a, world, 503)
    finally:
        holding.join(timeout=30)

    assert second.ok, second.messages + a.log_text()
    assert second.finals() == ["503 Server At Capacity"]
    assert world.cheap.uas.invites() == 1


def finals_within_one_second(attempt):
    """Runs `attempt` (which returns the final responses) from the start of a second; None when it
    spilled into the next second, as then the 1 s windows were two."""
    time.sleep(1 - time.time() % 1)
    second = int(time.time())
    finals = attempt()
    return finals if int(time.time()) == second else None


def test_a_customers_cps_limit_holds_across_the_cluster(world, cluster):
    a, b = cluster
    set_limit(world, "customer", cps=2)
    path = sip.scenario("uac_any", world.workdir, hold=50)

    def two_on_a_then_one_on_b():
        on_a = sip.run_uac(path, NUMBER, a.port, world.workdir, calls=2, rate=100)
        on_b = sip.run_uac(path, NUMBER, b.port, world.workdir, calls=1)
        assert on_a.ok and on_b.ok, on_a.messages + on_b.messages + b.log_text()
        return on_a.finals(), on_b.finals()

    # A loaded machine may need a few tries to fit the three calls into one second.
    results = (finals_within_one_second(two_on_a_then_one_on_b) for _ in range(5))
    finals = next((r for r in results if r is not None), None)

    assert finals is not None, "three calls never fitted into one second"
    on_a, on_b = finals
    assert [f for f in on_a if not f.startswith("200")] == []
    # B saw no call of this customer itself: A's two, copied over DMQ, fill the customer's 2 CPS.
    assert on_b == ["503 CPS Limit Reached (customer)"]


def test_a_carriers_cps_limit_holds_across_the_cluster(world, cluster):
    a, b = cluster
    carrier_services.carrier_update(
        actor=world.admin, instance=world.cheap.carrier, name=world.cheap.carrier.name, currency="USD", cps=1
    )
    settle()
    path = sip.scenario("uac_call", world.workdir, hold=50)

    def one_on_a_then_one_on_b():
        before = (world.cheap.uas.invites(), world.dear.uas.invites())
        on_a = sip.run_uac(path, NUMBER, a.port, world.workdir)
        on_b = sip.run_uac(path, NUMBER, b.port, world.workdir)
        assert on_a.ok and on_b.ok, on_a.messages + on_b.messages + b.log_text()
        return before

    results = (finals_within_one_second(one_on_a_then_one_on_b) for _ in range(5))
    before = next((r for r in results if r is not None), None)

    assert before is not None, "two calls never fitted into one second"
    # The cheap carrier took A's call; its 1 CPS, counted across the cluster, sends B's to the next.
    cheap, dear = before
    assert wait_for(lambda: (world.cheap.uas.invites(), world.dear.uas.invites()) == (cheap + 1, dear + 1), 5)
