"""The routing API served by real gunicorn processes: freshness across workers, bad input, outages."""

import socket
import time

import pytest

from customers import services as customer_services
from routing import services
from tests.factories import AdminFactory
from tests.routing import factories as f
from tests.routing.servers import free_port, gunicorn, post

pytestmark = pytest.mark.django_db(transaction=True)
IP = "198.51.100.7"
CALL = {"source_ip": IP, "number": "442071234567"}


@pytest.fixture
def world():
    carrier = f.carrier("Cheap")
    card = f.card({"44": {"rate": "0.02", "providers": [f.provider(carrier, "0.01", "44")]}})
    customer = f.customer("Acme")
    f.ip_auth(customer, IP)
    f.route(customer, card)
    _, secret = services.api_token_create(actor=AdminFactory(), name="kamailio")
    return customer, secret


def test_every_worker_sees_a_change_on_its_first_call_after_an_idle_period(world):
    customer, token = world
    with gunicorn("routing.wsgi", workers=2) as port:
        # New connections spread over both workers; each builds its snapshot.
        assert {post(port, CALL, token=token)[1]["code"] for _ in range(30)} == {200}
        customer_services.customer_update(actor=AdminFactory(), instance=customer, status="inactive")
        time.sleep(2.1)  # idle past the promise
        answers = [post(port, CALL, token=token)[1] for _ in range(20)]
    assert {(a["code"], a["reason"]) for a in answers} == {(500, "Server not accepting calls (Paused)")}


@pytest.mark.parametrize("app", ["routing.wsgi", "connexcs.wsgi"])
def test_chunked_bodies_are_read_and_bounded(world, app):
    _, token = world
    with gunicorn(app, workers=1) as port:
        status, body = post(port, CALL, token=token, chunked=True)
        assert (status, body["code"]) == (200, 200)
        status, body = post(port, b" " * 70_000 + b"{}", token=token, chunked=True)
        assert (status, body["field"]) == (400, "body")


def test_a_broken_chunk_is_a_400(world):
    _, token = world
    with gunicorn("routing.wsgi", workers=1) as port, socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(
            b"POST /api/v1/route HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
            + f"Authorization: Bearer {token}\r\n\r\n".encode()
            + b"zz\r\n{}\r\n0\r\n\r\n"
        )
        sock.settimeout(10)
        reply = b""
        # Headers and body may come in separate segments: read until the reply holds the field.
        while b'"field"' not in reply and (chunk := sock.recv(65536)):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 400") and b'"field":"body"' in reply


def test_fast_path_refuses_deep_nesting_and_numeric_addresses(world):
    _, token = world
    with gunicorn("routing.wsgi", workers=1) as port:
        status, body = post(port, b"[" * 50_000 + b"]" * 50_000, token=token)
        assert (status, body["field"]) == (400, "body")
        status, body = post(port, {"source_ip": 3325256711, "number": "4420"}, token=token)
        assert (status, body["field"]) == (400, "source_ip")


def test_neither_store_reachable_is_a_503_the_proxy_can_fail_over_on(world):
    _, token = world
    closed = free_port()
    stores_away = {
        "DATABASE_URL": f"postgres://127.0.0.1:{closed}/nothing",
        "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
    }
    with gunicorn("routing.wsgi", workers=1, **stores_away) as port:
        status, body = post(port, CALL, token=token)
    assert status == 503 and "cannot" in body["error"]
