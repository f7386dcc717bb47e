"""Real processes for switch tests and bench/switch_cps.py: the routing API under gunicorn,
Kamailio with the rendered config, and sipp as customer (UAC) and carriers (UAS). Loopback only,
ports picked free, every wait bounded."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = Path(__file__).resolve().parent / "scenarios"
STARTUP_TIMEOUT = 60  # a shared, loaded machine starts two Django workers slowly


def free_port(kind: int = socket.SOCK_DGRAM, host: str = "127.0.0.1") -> int:
    """A port free for both UDP and TCP on `host` (Kamailio may listen on both)."""
    while True:
        with socket.socket(socket.AF_INET, kind) as s:
            s.bind((host, 0))
            port = s.getsockname()[1]
        other = socket.SOCK_STREAM if kind == socket.SOCK_DGRAM else socket.SOCK_DGRAM
        try:
            with socket.socket(socket.AF_INET, other) as s:
                s.bind((host, port))
        except OSError:
            continue
        return port


def _wait(check, what: str, proc: subprocess.Popen, log: Path | None = None) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text()[-3000:] if log and log.exists() else ""
            raise RuntimeError(f"{what} exited with {proc.returncode}:\n{tail}")
        if check():
            return
        time.sleep(0.1)
    stop(proc)  # nobody else holds it: left running, it would outlive the tests
    raise RuntimeError(f"{what} did not start within {STARTUP_TIMEOUT}s")


def stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    # Each process leads its own group (Kamailio forks children), so the group is ended with it.
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def api_env(database_name: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres:///{database_name}",
        DJANGO_SETTINGS_MODULE="connexcs.settings",
        # As in production: a snapshot rebuilds in the background; the tests wait the promised bound.
        ROUTING_BACKGROUND_RELOAD="true",
        LOG_LEVEL="WARNING",
    )
    env.setdefault("SECRET_KEY", "switch-tests-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
    env.setdefault("FIELD_ENCRYPTION_KEYS", "RBML506CZtxKvnpcZRdbO1tTK3leQbpWa943wnBglbY=")
    env.setdefault("HTTPS", "false")
    env.setdefault("STATIC_MANIFEST", "false")
    return env


def start_api(
    database_name: str, port: int, workdir: Path, workers: int = 2, threads: int = 1
) -> subprocess.Popen:
    """gunicorn routing.wsgi on 127.0.0.1:port against `database_name`.

    One thread per worker by default: while one thread of a worker rebuilds the snapshot after a
    change, its other threads still answer from the old one, and the tests assert the next call.
    """
    log = workdir / "gunicorn.log"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    cmd = [str(gunicorn), "routing.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers)]
    cmd += ["-k", "gthread", "--threads", str(threads), "--log-level", "warning"]
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=api_env(database_name),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )

    def answers():
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/route", data=b"{}")
        try:
            urllib.request.urlopen(request, timeout=2)
        except urllib.error.HTTPError:
            return True  # 401 without a token: it is up
        except OSError:
            return False
        return True

    _wait(answers, "gunicorn", proc, log)
    return proc


def _options_answered(port: int) -> bool:
    message = (
        f"OPTIONS sip:ping@127.0.0.1:{port} SIP/2.0\r\n"
        "Via: SIP/2.0/UDP 127.0.0.1:9;rport;branch=z9hG4bK-ping\r\n"
        "From: <sip:ping@127.0.0.1>;tag=ping\r\nTo: <sip:ping@127.0.0.1>\r\n"
        "Call-ID: ping@127.0.0.1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
    )
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.3)
        s.bind(("127.0.0.1", 0))
        # rport: the answer goes to the source port, whatever the Via says.
        s.sendto(message.encode(), ("127.0.0.1", port))
        try:
            return s.recv(4096).startswith(b"SIP/2.0")
        except OSError:
            return False


def start_kamailio(cfg: str, port: int, workdir: Path, shm_mb: int = 64) -> subprocess.Popen:
    path = workdir / "kamailio.cfg"
    path.write_text(cfg)
    log = workdir / "kamailio.log"
    cmd = ["kamailio", "-f", str(path), "-DD", "-E", "-m", str(shm_mb), "-M", "8"]
    proc = subprocess.Popen(cmd, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    _wait(lambda: _options_answered(port), "kamailio", proc, log)
    return proc


def scenario(name: str, workdir: Path, **values) -> Path:
    """A copy of scenarios/<name>.xml with @KEY@ placeholders filled in."""
    text = (SCENARIOS / f"{name}.xml").read_text()
    for key, value in values.items():
        text = text.replace(f"@{key.upper()}@", str(value))
    path = workdir / f"{name}-{'-'.join(str(v) for v in values.values()) or 'plain'}.xml"
    path.write_text(text)
    return path


@dataclass
class Uas:
    proc: subprocess.Popen
    ip: str
    port: int
    messages: Path

    def received(self) -> str:
        # sipp writes its message log buffered: callers poll (tests.helpers.wait_for).
        return self.messages.read_text() if self.messages.exists() else ""

    def invites(self) -> int:
        return len(re.findall(r"^INVITE sip:", self.received(), re.M))


def start_uas(name: str, ip: str, workdir: Path, *, trace: bool = True) -> Uas:
    """A carrier gateway: sipp answering (uas_answer) or refusing (uas_refuse) every call."""
    port = free_port(host=ip)
    messages = workdir / f"uas-{ip}-{port}.log"
    cmd = ["sipp", "-sf", str(SCENARIOS / f"{name}.xml"), "-i", ip, "-p", str(port), "-t", "u1"]
    cmd += ["-nostdin"] + (["-trace_msg", "-message_file", str(messages)] if trace else [])
    proc = subprocess.Popen(
        cmd,
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=(workdir / f"uas-{port}.err").open("w"),
        start_new_session=True,
    )
    time.sleep(0.2)
    if proc.poll() is not None:
        raise RuntimeError((workdir / f"uas-{port}.err").read_text())
    return Uas(proc, ip, port, messages)


@dataclass
class UacResult:
    returncode: int
    messages: str
    stats: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def finals(self) -> list[str]:
        """Status lines of the final responses the customer received, in order."""
        return re.findall(r"^SIP/2\.0 ([2-6]\d\d [^\r\n]*)", self.messages, re.M)


def run_uac(
    scenario_path: Path,
    number: str,
    switch_port: int,
    workdir: Path,
    *,
    ip: str = "127.0.0.1",
    calls: int = 1,
    rate: float = 10,
    timeout: int = 20,
    extra: tuple[str, ...] = (),
    trace: bool = True,
) -> UacResult:
    """Places `calls` calls to `number` through the switch; bounded by `timeout` seconds."""
    port = free_port(host=ip)
    messages = workdir / f"uac-{port}.log"
    stats = workdir / f"uac-{port}.csv"
    cmd = ["sipp", f"127.0.0.1:{switch_port}", "-sf", str(scenario_path), "-s", number, "-i", ip]
    cmd += ["-p", str(port), "-t", "u1", "-m", str(calls), "-r", str(rate), "-rp", "1000"]
    cmd += ["-nostdin"] + (["-trace_msg", "-message_file", str(messages)] if trace else [])
    cmd += ["-timeout", f"{timeout}s", "-timeout_error", "-recv_timeout", f"{timeout * 1000}"]
    cmd += ["-trace_stat", "-stf", str(stats), "-fd", "1"]
    cmd += ["-trace_err", "-error_file", str(workdir / f"uac-{port}.err"), *extra]
    done = subprocess.run(
        cmd, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout + 15, check=False
    )
    text = messages.read_text() if messages.exists() else ""
    return UacResult(done.returncode, text, stats.read_text() if stats.exists() else done.stderr.decode())
