"""What a server is given: its kamailio.cfg, the install script with its own values, cloud-init user-data.

The install script is deploy/install-switch.sh with the server's values set in front of it; the same
text is served to an own host (`curl ... | sudo sh`) and written by cloud-init on a cloud node.
"""

from __future__ import annotations

import base64
import json
import shlex
from pathlib import Path

from django.conf import settings

from routing.switch_config import SwitchConfig, render

from . import selectors
from .models import Server

INSTALL_SCRIPT = Path(settings.BASE_DIR) / "deploy" / "install-switch.sh"
ROUTE_PATH = "/api/v1/route"
SIP_PORT = 5060
INSTALL_PATH = "/api/v1/servers/install/"
# The downloadable config cannot hold the routing token: only its hash is kept.
TOKEN_PLACEHOLDER = "cxr_the-token-installed-on-this-server"  # noqa: S105 - a placeholder


def sip_address(server: Server) -> str:
    """The server's SIP (and DMQ) address, "ip:5060"; "" before its first heartbeat."""
    if not server.ip:
        return ""
    host = f"[{server.ip}]" if ":" in server.ip else server.ip
    return f"{host}:{SIP_PORT}"


def switch_config(server: Server, *, api_token: str) -> SwitchConfig:
    address = sip_address(server)
    listen = (f"udp:{address}", f"tcp:{address}") if address else ("udp:0.0.0.0:5060", "tcp:0.0.0.0:5060")
    failover = server.failover_server if server.capacity_failover else None
    return SwitchConfig(
        api_url=settings.PANEL_URL + ROUTE_PATH,
        token=api_token,
        listen=listen,
        name=server.name,
        cluster=server.cluster.name if server.cluster_id else "",
        dmq_address=address,
        # Peers without an address yet join when they are re-rendered (Install Server).
        peers=tuple(filter(None, (sip_address(peer) for peer in selectors.cluster_peers(server=server)))),
        node_index=server.pk or 0,
        max_channels=server.max_channels,
        max_cps=server.max_cps,
        failover=sip_address(failover) if failover is not None and failover.live else "",
    )


def kamailio_cfg(server: Server, *, api_token: str = TOKEN_PLACEHOLDER) -> str:
    return render(switch_config(server, api_token=api_token))


def install_script(server: Server, *, api_token: str, heartbeat_token: str) -> str:
    cfg = base64.b64encode(kamailio_cfg(server, api_token=api_token).encode()).decode()
    values = {
        "CX_PANEL_URL": settings.PANEL_URL,
        "CX_SERVER": server.name,
        "CX_HEARTBEAT_TOKEN": heartbeat_token,
        "CX_HEARTBEAT_SECONDS": str(settings.SERVERS_HEARTBEAT_SECONDS),
        "CX_KAMAILIO_CFG": cfg,
    }
    header = "".join(f"{key}={shlex.quote(value)}\n" for key, value in values.items())
    return "#!/bin/sh\n" + header + INSTALL_SCRIPT.read_text()


def install_command(token: str) -> str:
    return f"curl -fsSL {settings.PANEL_URL}{INSTALL_PATH}{token} | sudo sh"


def cloud_init(server: Server, *, api_token: str, heartbeat_token: str) -> str:
    """#cloud-config user-data (JSON is YAML): write the install script, then run it."""
    config = {
        "hostname": server.name,
        "package_update": True,
        "packages": ["curl"],
        "write_files": [
            {
                "path": "/root/connexcs-install.sh",
                "owner": "root:root",
                "permissions": "0700",
                "content": install_script(server, api_token=api_token, heartbeat_token=heartbeat_token),
            }
        ],
        "runcmd": [["sh", "/root/connexcs-install.sh"]],
    }
    return "#cloud-config\n" + json.dumps(config, indent=1) + "\n"
