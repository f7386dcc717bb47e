"""Renders a switch's kamailio.cfg from deploy/kamailio/kamailio.cfg.tmpl.

One template serves the tests, `make run`'s optional switch and server deployment; what differs
per switch (listen addresses, API URL, token, timeouts, HTTP client) is a `SwitchConfig`.
"""

from __future__ import annotations

import ipaddress
import math
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.template import Context, Engine

TEMPLATE = Path(settings.BASE_DIR) / "deploy" / "kamailio" / "kamailio.cfg.tmpl"
DEBIAN_MODULES = "/usr/lib/x86_64-linux-gnu/kamailio/modules"
# Where scripts/build_http_async_client.sh installs the module Debian does not package.
LOCAL_MODULES = "/usr/local/lib/kamailio/modules"
DEFAULT_SPOOL_DIR = "/var/lib/kamailio"
ASYNC_MODULE = "http_async_client.so"
SYNC_MODULE = "http_client.so"


def module_dirs() -> list[str]:
    return [DEBIAN_MODULES, LOCAL_MODULES]


def has_module(filename: str, dirs: list[str] | None = None) -> bool:
    return any((Path(d) / filename).is_file() for d in dirs or module_dirs())


def async_available(dirs: list[str] | None = None) -> bool:
    """True when http_async_client is installed (Debian's package lacks it; see the build script)."""
    return has_module(ASYNC_MODULE, dirs)


# Dialog ids: each switch of a cluster counts in its own residue class modulo this (at most this many
# switches per cluster keep ids apart).
NODE_STEP = 256


@dataclass(frozen=True)
class Peer:
    """Another switch of the cluster, as "ip:port" or "[v6]:port"."""

    address: str

    def __post_init__(self):
        host, _, port = self.address.rpartition(":")
        if not port.isdigit() or not 0 < int(port) < 65536 or not host:
            raise ValueError(f"{self.address!r}: an address and port, as 10.0.0.5:5060.")
        ipaddress.ip_address(host.strip("[]"))  # ValueError for anything but an IP

    @property
    def ip(self) -> str:
        return self.address.rpartition(":")[0].strip("[]")

    @property
    def port(self) -> int:
        return int(self.address.rpartition(":")[2])


@dataclass(frozen=True)
class SwitchConfig:
    api_url: str
    token: str
    # Where CDRs go; empty: the routing API's sibling, .../api/v1/cdr.
    cdr_url: str = ""
    cdr_retry_s: int = 1  # how often the switch's CDR spool is posted
    # The spool's SQLite file (its folder must be writable by kamailio); empty: in pid_dir when one
    # is given (the tests), else /var/lib/kamailio.
    cdr_spool: str = ""
    cdr_batch: int = 20  # CDRs per POST when the spool drains
    listen: tuple[str, ...] = ("udp:0.0.0.0:5060", "tcp:0.0.0.0:5060")
    name: str = "switch"
    realm: str = ""
    # The cluster whose servers share limits (Setup > Settings > Servers); empty for a lone switch.
    cluster: str = ""
    # DMQ: this switch's "ip:port" and its cluster peers'; both set when the cluster shares limits.
    dmq_address: str = ""
    peers: tuple[str, ...] = ()
    node_index: int = 0  # this switch's place in the cluster (dialog ids)
    # This server's capacity (0: none); at it, calls go to `failover` ("ip:port") or are refused.
    max_channels: int = 0
    max_cps: int = 0
    failover: str = ""
    # None: http_async_client when installed, else the synchronous http_client.
    async_http: bool | None = None
    api_timeout_ms: int = 500
    http_workers: int = 4
    children: int = 8
    fr_timer: int = 3000
    fr_inv_timer: int = 60000
    default_max_duration: int = 7200
    debug: int = 2
    log_stderror: bool = False
    pid_dir: str = ""
    log_api_time: bool = False
    mpath: tuple[str, ...] = field(default_factory=lambda: tuple(module_dirs()))
    auth_secret: str = field(default_factory=lambda: secrets.token_hex(16))

    def __post_init__(self):
        names = ("api_url", "cdr_url", "cdr_spool", "token", "realm", "name", "cluster", "pid_dir")
        names += ("auth_secret",)
        for name in ("dmq_address", "failover"):
            if getattr(self, name):
                try:
                    Peer(getattr(self, name))
                except ValueError as exc:
                    raise ValueError(f"{name}: {exc}") from exc
        for peer in self.peers:
            try:
                Peer(peer)
            except ValueError as exc:
                raise ValueError(f"peers: {exc}") from exc
        pairs = [(n, getattr(self, n)) for n in names] + [("listen", a) for a in self.listen]
        for name, value in pairs:
            if any(c in value for c in '"\r\n'):
                raise ValueError(f"{name}: quotes and line breaks cannot go into kamailio.cfg.")
        if self.api_timeout_ms < 1:
            raise ValueError("api_timeout_ms: at least 1 ms.")

    def uses_async(self) -> bool:
        return async_available(list(self.mpath)) if self.async_http is None else self.async_http


def render(config: SwitchConfig) -> str:
    engine = Engine(autoescape=False)
    template = engine.from_string(TEMPLATE.read_text())
    context = {
        "name": config.name,
        "cluster": config.cluster,
        # A lone switch, or one without an address yet, shares nothing.
        "dmq": bool(config.cluster and config.dmq_address),
        "dmq_address": config.dmq_address,
        "peers": [Peer(p) for p in config.peers] if config.cluster and config.dmq_address else [],
        "node_index": config.node_index % NODE_STEP,
        "node_step": NODE_STEP,
        "max_channels": config.max_channels,
        "max_cps": config.max_cps,
        "failover": config.failover,
        "api_url": config.api_url,
        "cdr_url": config.cdr_url or config.api_url.rsplit("/", 1)[0] + "/cdr",
        "cdr_retry_s": max(1, config.cdr_retry_s),
        "cdr_spool": config.cdr_spool or f"{config.pid_dir or DEFAULT_SPOOL_DIR}/cdr_spool.sqlite",
        "cdr_batch": max(1, config.cdr_batch),
        "token": config.token,
        "realm": config.realm or settings.SIP_REALM,
        "listen": config.listen,
        "async_http": config.uses_async(),
        "api_timeout_ms": config.api_timeout_ms,
        # http_client counts in whole seconds.
        "api_timeout_s": max(1, math.ceil(config.api_timeout_ms / 1000)),
        "http_workers": config.http_workers,
        "children": config.children,
        "fr_timer": config.fr_timer,
        "fr_inv_timer": config.fr_inv_timer,
        "default_max_duration": config.default_max_duration,
        "debug": config.debug,
        "log_stderror": config.log_stderror,
        "pid_dir": config.pid_dir,
        "log_api_time": config.log_api_time,
        "mpath": ":".join(d.rstrip("/") + "/" for d in config.mpath),
        "auth_secret": config.auth_secret,
        # One dialog profile each (a profile's name cannot be a variable in kamailio.cfg).
        "limit_kinds": ("customer", "ipauth", "route"),
    }
    return template.render(Context(context))
