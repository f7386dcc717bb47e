"""The heartbeat records the server's own address also behind our reverse proxy (Caddy), and never an
address a client merely claims in X-Forwarded-For."""

import http.client
import json
import subprocess

import pytest
from django.test import RequestFactory

from connexcs.clientip import client_ip
from servers.models import Server
from tests.portal.test_caddy import CADDY, free_port, wait_listening

from .test_heartbeat_api import GOOD, beat, two_servers  # noqa: F401 - the fixture

SERVER_ADDRESS = "127.0.0.2"  # the switch, as a second loopback address
SPOOFED = "198.51.100.7"


@pytest.fixture
def caddy_http(live_server, tmp_path):
    """Caddy as deployed (reverse_proxy to the panel), over plain HTTP on loopback."""
    panel_port = live_server.url.rsplit(":", 1)[1]
    port = free_port()
    config = tmp_path / "Caddyfile"
    config.write_text(
        f"{{\n\tadmin off\n\tauto_https off\n}}\n\n"
        f"http://:{port} {{\n\treverse_proxy 127.0.0.1:{panel_port}\n}}\n"
    )
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "c"), "XDG_DATA_HOME": str(tmp_path)}
    log = (tmp_path / "caddy.log").open("w")
    process = subprocess.Popen(
        [CADDY, "run", "--config", str(config), "--adapter", "caddyfile"], env=env, stdout=log, stderr=log
    )
    try:
        wait_listening(port)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def post_from(source: str, port: int, token: str, headers=None) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20, source_address=(source, 0))
    connection.request(
        "POST",
        "/api/v1/servers/heartbeat",
        body=json.dumps(GOOD),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", **(headers or {})},
    )
    status = connection.getresponse().status
    connection.close()
    return status


@pytest.mark.django_db(transaction=True)
def test_through_caddy_the_servers_own_address_is_recorded(caddy_http, two_servers):  # noqa: F811
    (a, token_a), (b, token_b) = two_servers

    assert post_from(SERVER_ADDRESS, caddy_http, token_a) == 200
    # A switch that claims another address is still recorded at its own: Caddy does not pass on
    # an untrusted client's X-Forwarded-For.
    assert post_from(SERVER_ADDRESS, caddy_http, token_b, {"X-Forwarded-For": SPOOFED}) == 200

    assert Server.objects.get(pk=a.pk).ip == SERVER_ADDRESS
    assert Server.objects.get(pk=b.pk).ip == SERVER_ADDRESS


@pytest.mark.django_db
def test_a_spoofed_header_from_an_untrusted_peer_is_ignored(client, two_servers):  # noqa: F811
    (a, token), _ = two_servers

    response = beat(client, token, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"{SPOOFED}, 127.0.0.1")

    assert response.status_code == 200
    a.refresh_from_db()
    assert a.ip == "203.0.113.9"


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("203.0.113.9", "", "203.0.113.9"),
        ("203.0.113.9", SPOOFED, "203.0.113.9"),  # not from a proxy: the header is the client's claim
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "203.0.113.9", "203.0.113.9"),
        # The proxy appends what it saw; what the client sent in front of it is not believed.
        ("127.0.0.1", f"{SPOOFED}, 203.0.113.9", "203.0.113.9"),
        ("127.0.0.1", f"{SPOOFED}, 203.0.113.9, 127.0.0.1", "203.0.113.9"),
        ("127.0.0.1", f"{SPOOFED}, not-an-ip", "127.0.0.1"),
        ("::ffff:203.0.113.9", "", "203.0.113.9"),
        ("::1", "2001:db8::5", "2001:db8::5"),
    ],
)
def test_client_ip(remote, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_trusted_proxies_is_a_setting(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(request) == "203.0.113.9"
    loopback = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(loopback) == "127.0.0.1"
