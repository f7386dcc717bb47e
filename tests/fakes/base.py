"""A small threaded HTTP server that test fakes of third-party APIs build on."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from urllib.request import Request, urlopen


class FakeHandler(BaseHTTPRequestHandler):
    fake = None  # set per server class

    def log_message(self, *_args):  # quiet
        pass

    def _dispatch(self, method):
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        status, headers, payload = self.server.fake.handle(method, parts.path, query, self.headers, body)
        if isinstance(payload, (dict, list)):
            payload = json.dumps(payload).encode()
            headers = {"Content-Type": "application/json", **headers}
        elif isinstance(payload, str):
            payload = payload.encode()
            headers = {"Content-Type": "text/html; charset=utf-8", **headers}
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_DELETE(self):
        self._dispatch("DELETE")


class FakeServer:
    """Start with `with FakeX() as fake:`; `fake.url` is its base URL."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), FakeHandler)
        self._server.fake = self
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_exc):
        self._server.shutdown()
        self._server.server_close()

    def handle(self, method, path, query, headers, body):  # pragma: no cover - overridden
        raise NotImplementedError


def post(url: str, body: bytes, headers: dict) -> int:
    """Deliver a webhook as the provider would (used by the fakes' hosted pages)."""
    request = Request(url, data=body, headers={"Content-Type": "application/json", **headers}, method="POST")
    try:
        with urlopen(request, timeout=10) as response:
            return response.status
    except Exception as exc:  # an HTTP error answer still counts as a delivery
        return getattr(exc, "code", 0)
