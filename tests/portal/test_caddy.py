"""A real Caddy (Debian's 2.6.2) with on-demand `tls internal`: certificates only for verified domains.

Caddy listens on loopback high ports, asks the live panel's /portal/tls/ask before issuing, and
proxies to the panel, which serves the brand's portal for the domain in the Host header.
"""

import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest

from certificates import services as certificate_services
from tests.certificates.pki import CA
from tests.factories import AdminFactory
from tests.portal.factories import PortalDomainFactory, VerifiedDomainFactory

CADDY = shutil.which("caddy") or "/usr/bin/caddy"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_listening(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"caddy did not listen on {port}")


@pytest.fixture
def caddy(live_server, tmp_path):
    panel_port = live_server.url.rsplit(":", 1)[1]
    http_port, https_port = free_port(), free_port()
    config = tmp_path / "Caddyfile"
    config.write_text(
        f"""{{
	admin off
	http_port {http_port}
	https_port {https_port}
	skip_install_trust
	storage file_system {{
		root {tmp_path}/data
	}}
	on_demand_tls {{
		ask http://127.0.0.1:{panel_port}/portal/tls/ask
	}}
}}

https:// {{
	tls internal {{
		on_demand
		get_certificate http http://127.0.0.1:{panel_port}/portal/tls/certificate
	}}
	reverse_proxy 127.0.0.1:{panel_port}
}}
"""
    )
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path)}
    log = (tmp_path / "caddy.log").open("w")
    process = subprocess.Popen(
        [CADDY, "run", "--config", str(config), "--adapter", "caddyfile"], env=env, stdout=log, stderr=log
    )
    try:
        wait_listening(https_port)
        yield https_port, tmp_path / "data"
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def fetch(port: int, domain: str, root: Path, *, cadata: str = "", path: str = "/", host: str = ""):
    """TLS to Caddy with SNI `domain`, verifying against Caddy's own local CA (or `cadata`); GET `path`
    with Host `host` (default `domain`). Returns (peer certificate, raw HTTP answer)."""
    if cadata:
        context = ssl.create_default_context(cadata=cadata)
    else:
        context = ssl.create_default_context(cafile=str(root / "pki/authorities/local/root.crt"))
    with (
        socket.create_connection(("127.0.0.1", port), timeout=20) as raw,
        context.wrap_socket(raw, server_hostname=domain) as tls,
    ):
        certificate = tls.getpeercert()
        tls.sendall(f"GET {path} HTTP/1.1\r\nHost: {host or domain}\r\nConnection: close\r\n\r\n".encode())
        chunks = []
        while chunk := tls.recv(65536):
            chunks.append(chunk)
    return certificate, b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.django_db(transaction=True)
def test_verified_domain_gets_a_certificate_and_the_portal_login(caddy):
    port, data = caddy
    VerifiedDomainFactory(domain="ok.brand.test", brand_name="Acme Voice", footer="Copyright Acme")
    PortalDomainFactory(domain="pending.brand.test")
    # The local CA is created at start-up; the first on-demand handshake issues the leaf.
    deadline = time.monotonic() + 15
    while not (data / "pki/authorities/local/root.crt").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    certificate, response = fetch(port, "ok.brand.test", data)
    assert ("DNS", "ok.brand.test") in certificate["subjectAltName"]
    assert response.startswith("HTTP/1.1 200")
    assert "Acme Voice" in response and "Copyright Acme" in response and 'name="password"' in response
    for refused in ("pending.brand.test", "unknown.brand.test"):
        with pytest.raises(ssl.SSLError):
            fetch(port, refused, data)
    assert not list((data / "certificates").rglob("pending.brand.test*"))
    assert list((data / "certificates").rglob("ok.brand.test.crt"))


@pytest.mark.django_db(transaction=True)
def test_user_provided_and_lets_encrypt_certificates_are_what_caddy_serves(caddy):
    """Setup > Information > Certificate: a pasted certificate is presented at handshake (fetched from
    the panel over loopback); a Let's Encrypt one (here Caddy's internal issuer) is issued on demand."""
    port, data = caddy
    admin = AdminFactory()
    ca = CA("Acme Private CA")
    own = ca.issue("own.brand.test")
    certificate_services.certificate_create(
        actor=admin,
        domain="own.brand.test",
        user_provided=True,
        certificate=own.certificate,
        private_key=own.key,
        ca_certificate=ca.pem,
    )
    certificate_services.certificate_create(actor=admin, domain="managed.brand.test")
    VerifiedDomainFactory(domain="own.brand.test", brand_name="Own Cert Voice")

    certificate, response = fetch(port, "own.brand.test", data, cadata=ca.pem)
    assert ("DNS", "own.brand.test") in certificate["subjectAltName"]
    assert dict(x[0] for x in certificate["issuer"])["commonName"] == "Acme Private CA"
    assert response.startswith("HTTP/1.1 200") and "Own Cert Voice" in response
    # Through Caddy's public proxy the panel sees loopback, but the key is not handed out.
    _, leaked = fetch(
        port,
        "own.brand.test",
        data,
        cadata=ca.pem,
        host="localhost",
        path="/portal/tls/certificate?server_name=own.brand.test",
    )
    assert leaked.startswith("HTTP/1.1 403") and "PRIVATE KEY" not in leaked

    deadline = time.monotonic() + 15
    while not (data / "pki/authorities/local/root.crt").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    certificate, _ = fetch(port, "managed.brand.test", data)
    assert ("DNS", "managed.brand.test") in certificate["subjectAltName"]
    assert not list((data / "certificates").rglob("own.brand.test*"))  # never issued: ours was used
