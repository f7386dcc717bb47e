"""A server's rendered kamailio.cfg: its cluster's peers (DMQ), its capacity and its failover server."""

import re
import subprocess

import pytest

from servers import provision
from servers.choices import ServerStatus
from servers.models import Cluster
from tests.servers.factories import server

pytestmark = pytest.mark.django_db


def kamailio_check(text, tmp_path):
    path = tmp_path / "kamailio.cfg"
    # The rendered ctl socket lives under /run/kamailio; the check does not open it.
    path.write_text(text)
    return subprocess.run(["kamailio", "-c", "-f", str(path)], capture_output=True, text=True, timeout=30)


def test_a_clustered_server_lists_its_peers_and_passes_kamailios_check(tmp_path):
    lon = Cluster.objects.create(name="lon")
    other = Cluster.objects.create(name="nyc")
    me = server("lon-1", cluster=lon, ip="127.0.0.5")
    server("lon-2", cluster=lon, ip="127.0.0.6")
    server("lon-3", cluster=lon, ip="127.0.0.7")
    server("lon-4", cluster=lon, ip="127.0.0.8", status=ServerStatus.DESTROYED)
    server("lon-5", cluster=lon, status=ServerStatus.DEPLOYING)  # no address yet
    server("nyc-1", cluster=other, ip="127.0.0.9")

    text = provision.kamailio_cfg(me)

    assert 'loadmodule "dmq.so"' in text and 'modparam("dialog", "enable_dmq", 1)' in text
    assert 'modparam("dmq", "server_address", "sip:127.0.0.5:5060")' in text
    peers = re.findall(r'modparam\("dmq", "notification_address", "sip:([^"]+)"\)', text)
    assert peers == ["127.0.0.6:5060", "127.0.0.7:5060"]
    # Only the peers' own addresses may speak DMQ to this switch.
    assert '$si == "127.0.0.6" && $sp == 5060' in text and '"127.0.0.9"' not in text
    assert f'modparam("dialog", "h_id_start", {me.pk})' in text
    # Calls per second: counted per switch, copied to the peers, summed.
    assert "dmqreplicate=1" in text and 'pl_check("customer-' not in text
    assert "$sht(cps=>$var(slot)@127.0.0.6:5060)" in text
    check = kamailio_check(text, tmp_path)
    assert check.returncode == 0, check.stderr


def test_a_server_without_a_cluster_renders_no_dmq(tmp_path):
    me = server("solo-1", ip="127.0.0.5")
    server("solo-2", ip="127.0.0.6")

    text = provision.kamailio_cfg(me)

    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    assert "dmq" not in code.lower()
    assert 'pl_check("customer-$var(id)", "TAILDROP", "$var(cps)")' in text  # per switch
    assert kamailio_check(text, tmp_path).returncode == 0


def test_capacity_and_the_failover_server_are_rendered(tmp_path):
    lon = Cluster.objects.create(name="lon")
    backup = server("lon-2", cluster=lon, ip="127.0.0.6")
    me = server(
        "lon-1",
        cluster=lon,
        ip="127.0.0.5",
        max_channels=300,
        max_cps=20,
        capacity_failover=True,
        failover_server=backup,
    )

    text = provision.kamailio_cfg(me)

    assert "if ($var(used) >= 300) { $var(full) = 1; }" in text
    assert 'pl_check("server", "TAILDROP", "20")' in text
    assert '$du = "sip:127.0.0.6:5060";' in text
    assert kamailio_check(text, tmp_path).returncode == 0
    # Failover switched off: a full server refuses.
    me.capacity_failover = False
    assert '$du = "sip:127.0.0.6:5060"' not in provision.kamailio_cfg(me)
    assert '"503", "Server At Capacity"' in provision.kamailio_cfg(me)
