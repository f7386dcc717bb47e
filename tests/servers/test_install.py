"""The install script lays out a working switch; cloud-init user-data passes Debian's schema check;
the laid-out heartbeat reports to a live panel."""

import os
import subprocess

import pytest

from servers import provision, services
from servers.choices import ServerStatus
from servers.models import Cluster, Server
from tests.servers.factories import complete_checklist

pytestmark = pytest.mark.django_db(transaction=True)


def own_host(operator, name="own-1", cluster=None):
    complete_checklist()
    deployed = services.server_deploy(
        actor=operator, name=name, location="own", confirm=True, cluster=cluster
    )
    token = deployed.install_command.split("/install/")[1].split()[0]
    return deployed.server, services.server_install_script(token=token)


def install(script: str, root, **env):
    path = root / "install.sh"
    path.write_text(script)
    run_env = {
        "PATH": os.environ["PATH"],
        "CX_ROOT": str(root),
        "CX_INSTALL_PACKAGES": "no",
        "CX_START_SERVICES": "no",
        **env,
    }
    return subprocess.run(["sh", str(path)], env=run_env, capture_output=True, text=True, timeout=60)


def test_the_install_script_lays_out_a_config_kamailio_accepts(operator, tmp_path):
    cluster = Cluster.objects.create(name="main")
    server, script = own_host(operator, cluster=cluster)
    root = tmp_path / "root"
    root.mkdir()

    done = install(script, root)

    assert done.returncode == 0, done.stderr
    cfg = root / "etc/kamailio/kamailio.cfg"
    text = cfg.read_text()
    assert '#!define CLUSTER "main"' in text and "own-1" in text
    assert '#!define ROUTING_TOKEN "cxr_' in text and "/api/v1/route" in text
    check = subprocess.run(["kamailio", "-c", "-f", str(cfg)], capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stderr
    env = root / "etc/connexcs/heartbeat.env"
    assert oct(env.stat().st_mode & 0o777) == "0o600" and "CX_HEARTBEAT_TOKEN='cxh_" in env.read_text()
    assert os.access(root / "usr/local/sbin/connexcs-heartbeat", os.X_OK)
    timer = (root / "etc/systemd/system/connexcs-heartbeat.timer").read_text()
    assert "OnUnitActiveSec=60" in timer
    assert (root / "etc/systemd/system/connexcs-heartbeat.service").exists()
    # The routing token in the file is the server's own live API token.
    server.refresh_from_db()
    assert server.api_token.active and server.api_token.hint in text


def test_the_laid_out_heartbeat_reports_to_the_live_panel(operator, tmp_path, live_server, settings):
    settings.PANEL_URL = live_server.url
    server, script = own_host(operator)
    root = tmp_path / "root"
    root.mkdir()
    assert install(script, root).returncode == 0

    beat = subprocess.run(
        [str(root / "usr/local/sbin/connexcs-heartbeat")],
        env={"PATH": os.environ["PATH"], "CX_HEARTBEAT_ENV": str(root / "etc/connexcs/heartbeat.env")},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert beat.returncode == 0, beat.stderr
    server.refresh_from_db()
    assert server.status == ServerStatus.RUNNING and server.ip == "127.0.0.1"
    assert server.version.startswith("kamailio ")  # from `kamailio -v` on this machine
    assert server.health == "down"  # no kamailio runs in the throwaway root
    # After destroy, the same heartbeat is refused (curl -f fails on the 401).
    services.server_destroy(actor=operator, instance=server)
    again = subprocess.run(
        [str(root / "usr/local/sbin/connexcs-heartbeat")],
        env={"PATH": os.environ["PATH"], "CX_HEARTBEAT_ENV": str(root / "etc/connexcs/heartbeat.env")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode != 0 and "401" in again.stderr


def test_cloud_init_user_data_passes_the_schema_check(operator, tmp_path):
    complete_checklist()
    server = Server.objects.create(name="cloud-1", source="own_host", created_by=operator)
    user_data = provision.cloud_init(server, api_token="cxr_example", heartbeat_token="cxh_example")
    path = tmp_path / "user-data"
    path.write_text(user_data)

    check = subprocess.run(
        ["cloud-init", "schema", "--config-file", str(path)], capture_output=True, text=True, timeout=120
    )

    assert check.returncode == 0, check.stdout + check.stderr
    assert "Valid cloud-config" in check.stdout
    bad = tmp_path / "bad"
    bad.write_text(
        user_data.replace('"runcmd"', '"runcmd_typo"').replace('"packages": [', '"packages": 5, "x": [')
    )
    assert (
        subprocess.run(["cloud-init", "schema", "--config-file", str(bad)], capture_output=True).returncode
        != 0
    )


def test_the_cloud_init_script_is_the_install_script(operator):
    server = Server.objects.create(name="cloud-2", source="own_host")
    user_data = provision.cloud_init(server, api_token="cxr_example", heartbeat_token="cxh_example")
    assert "connexcs-heartbeat.timer" in user_data and "CX_HEARTBEAT_TOKEN=cxh_example" in user_data
    assert user_data.startswith("#cloud-config\n")
