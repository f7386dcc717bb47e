"""A real gunicorn serving the routing API against the test database, for tests over HTTP."""

import contextlib
import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).parent / "gunicorn")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    return f"postgres:///{connection.settings_dict['NAME']}"


@contextlib.contextmanager
def gunicorn(app: str = "routing.wsgi", *, workers: int = 2, **env):
    """Yield the port of a gunicorn running `app`; env overrides DATABASE_URL / REDIS_URL and so on."""
    port = free_port()
    environ = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "ROUTING_BACKGROUND_RELOAD": "true",
        "LOG_LEVEL": "WARNING",
        **env,
    }
    cmd = [GUNICORN, app, "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning"]
    cmd.append("--no-control-socket")  # gunicorns running side by side would share one
    process = subprocess.Popen(cmd, cwd=ROOT, env=environ)
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            assert process.poll() is None, "gunicorn exited"
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)


def post(port: int, body, *, token: str, chunked: bool = False) -> tuple[int, dict]:
    """POST /api/v1/route; with chunked=True the body goes as Transfer-Encoding: chunked."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    try:
        if chunked:
            pieces = [data[i : i + 1000] for i in range(0, len(data), 1000)]
            conn.request("POST", "/api/v1/route", body=iter(pieces), headers=headers, encode_chunked=True)
        else:
            conn.request("POST", "/api/v1/route", body=data, headers=headers)
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()
