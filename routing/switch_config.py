"""Renders a switch's kamailio.cfg from deploy/kamailio/kamailio.cfg.tmpl.

One template serves the tests, `make run`'s optional switch and server deployment; what differs
per switch (listen addresses, API URL, token, timeouts, HTTP client) is a `SwitchConfig`.
"""

from __future__ import annotations

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
