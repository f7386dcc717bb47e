"""SMS backends. The HTTP gateway is the one third-party service: it is faked at its HTTP boundary by
a real local HTTP server started here."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from accounts import sms


class Gateway(BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        type(self).received.append(
            {"auth": self.headers.get("Authorization"), "body": json.loads(self.rfile.read(length))}
        )
        body = json.dumps({"id": "msg-1"} if self.status < 400 else {"error": "bad number"}).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    Gateway.received = []
    Gateway.status = 200
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.SMS_GATEWAY_TOKEN = "tok-123"
    yield Gateway
    server.shutdown()
    server.server_close()


def test_http_gateway_posts_json_with_the_token(gateway):
    answer = sms.send_sms(to="+447911123456", body="hello", sender="+447911000000")
    assert answer == "msg-1"
    assert gateway.received == [
        {"auth": "Bearer tok-123", "body": {"from": "+447911000000", "to": "+447911123456", "text": "hello"}}
    ]


def test_http_gateway_refusal_is_an_sms_error_with_the_reason(gateway):
    gateway.status = 422
    with pytest.raises(sms.SmsError, match=r"HTTP 422.*bad number"):
        sms.send_sms(to="+447911123456", body="hello")


def test_http_gateway_down_is_an_sms_error(settings):
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/send"  # discard port: nothing listens
    with pytest.raises(sms.SmsError, match="could not be reached"):
        sms.send_sms(to="+447911123456", body="hello")


def test_locmem_backend_keeps_messages(settings):
    settings.SMS_BACKEND = "locmem"
    sms.send_sms(to="+447911123456", body="hi", sender="+1")
    assert sms.outbox == [sms.SmsMessage(to="+447911123456", body="hi", sender="+1")]


def test_file_backend_appends_json_lines(settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.log")
    sms.send_sms(to="+447911123456", body="one")
    sms.send_sms(to="+447911123456", body="two")
    lines = (tmp_path / "sms.log").read_text().splitlines()
    assert [json.loads(line)["body"] for line in lines] == ["one", "two"]


def test_console_backend_prints(settings, capsys):
    settings.SMS_BACKEND = "console"
    sms.send_sms(to="+447911123456", body="printed here")
    assert "+447911123456: printed here" in capsys.readouterr().out
