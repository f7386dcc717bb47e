"""POST /api/v1/servers/heartbeat faces the internet: attack it."""

import pytest
from django.urls import reverse

from servers import services
from servers.choices import ServerStatus
from tests.servers.factories import complete_checklist

pytestmark = pytest.mark.django_db

GOOD = {"version": "kamailio 5.6.3", "channels": 2, "cps": 1, "health": "ok"}


@pytest.fixture
def two_servers(operator):
    """Two own hosts that fetched their install scripts: (server, heartbeat token) each."""
    complete_checklist()
    found = []
    for name in ("a", "b"):
        deployed = services.server_deploy(actor=operator, name=name, location="own", confirm=True)
        script = services.server_install_script(
            token=deployed.install_command.split("/install/")[1].split()[0]
        )
        token = next(
            line.split("=", 1)[1] for line in script.splitlines() if line.startswith("CX_HEARTBEAT_TOKEN=")
        )
        found.append((deployed.server, token))
    return found


def beat(client, token, body=GOOD, **extra):
    kwargs = {"content_type": "application/json", "REMOTE_ADDR": "203.0.113.9", **extra}
    if token is not None:
        kwargs["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    data = body if isinstance(body, (bytes, str)) else __import__("json").dumps(body)
    return client.post(reverse("servers_api:heartbeat"), data, **kwargs)


def test_a_good_beat_turns_the_server_running(client, two_servers):
    (a, token), (b, _) = two_servers
    response = beat(client, token)
    assert response.status_code == 200 and response.json() == {"status": "running", "server": "a"}
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, a.ip, a.channels) == (ServerStatus.RUNNING, "203.0.113.9", 2)
    assert b.status == ServerStatus.DEPLOYING  # a's token touches only a


@pytest.mark.parametrize("token", [None, "", "cxh_wrong", "cxr_not-a-heartbeat-token", "x" * 5000])
def test_wrong_tokens_are_refused(client, two_servers, token):
    response = beat(client, token)
    assert response.status_code == 401
    assert not type(two_servers[0][0]).objects.filter(status=ServerStatus.RUNNING).exists()


def test_basic_auth_and_other_schemes_are_refused(client, two_servers):
    token = two_servers[0][1]
    assert beat(client, None, HTTP_AUTHORIZATION=f"Basic {token}").status_code == 401


def test_the_install_token_is_not_a_heartbeat_token(client, operator):
    complete_checklist()
    deployed = services.server_deploy(actor=operator, name="c", location="own", confirm=True)
    install_token = deployed.install_command.split("/install/")[1].split()[0]
    assert beat(client, install_token).status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", "Malformed"),
        (b"[1, 2]", "JSON object"),
        (b"\xff\xfe", "Malformed"),
        ({**GOOD, "channels": -1}, "channels"),
        ({**GOOD, "channels": "3"}, "channels"),
        ({**GOOD, "channels": True}, "channels"),
        ({**GOOD, "cps": 10**12}, "cps"),
        ({**GOOD, "health": "great"}, "health"),
        ({**GOOD, "version": "v" * 101}, "version"),
        ({**GOOD, "version": 5}, "version"),
        ({k: v for k, v in GOOD.items() if k != "cps"}, "cps"),
        (b"[" * 5000 + b"]" * 5000, "At most"),
    ],
)
def test_bad_bodies_are_refused_with_the_field_named(client, two_servers, body, field):
    response = beat(client, two_servers[0][1], body)
    assert response.status_code in (400, 413)
    assert field in response.json()["error"]
    two_servers[0][0].refresh_from_db()
    assert two_servers[0][0].status == ServerStatus.DEPLOYING


def test_a_huge_body_is_refused_before_it_is_read(client, two_servers):
    response = beat(client, two_servers[0][1], b"{" + b" " * 100_000 + b"}")
    assert response.status_code == 413


def test_a_destroyed_servers_token_is_refused(client, two_servers, operator):
    (a, token), _ = two_servers
    assert beat(client, token).status_code == 200
    services.server_destroy(actor=operator, instance=a)
    assert beat(client, token).status_code == 401


def test_get_and_csrf(client, two_servers):
    assert client.get(reverse("servers_api:heartbeat")).status_code == 405
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert beat(strict, two_servers[0][1]).status_code == 200  # token auth, no cookie


def test_the_install_url_answers_once(client, operator):
    complete_checklist()
    deployed = services.server_deploy(actor=operator, name="d", location="own", confirm=True)
    url = deployed.install_command.split()[2]
    path = url.split("localhost:8000", 1)[-1] if "localhost" in url else url[url.index("/api/") :]
    first = client.get(path)
    assert first.status_code == 200 and first["Content-Type"] == "text/x-shellscript"
    assert b"CX_HEARTBEAT_TOKEN=cxh_" in first.content
    assert client.get(path).status_code == 404
    assert client.get(reverse("servers_api:install", args=["cxi_nothing"])).status_code == 404
