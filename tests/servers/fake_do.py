"""A local HTTP server speaking the part of DigitalOcean's v2 API that libcloud's driver uses.

Test boundary for cloud deploys: regions, sizes, droplets (create, list, delete), droplet actions.
`fail_next` makes the next request answer with a provider error; `delay` makes answers slow.
"""

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REGIONS = [
    {"slug": "lon1", "name": "London 1", "available": True, "features": [], "sizes": ["s-1vcpu-1gb"]},
    {"slug": "nyc3", "name": "New York 3", "available": True, "features": [], "sizes": ["s-1vcpu-1gb"]},
    {"slug": "old1", "name": "Retired 1", "available": False, "features": [], "sizes": []},
]
SIZES = [
    {
        "slug": slug,
        "memory": memory,
        "vcpus": 1,
        "disk": 25,
        "transfer": 1.0,
        "price_monthly": monthly,
        "price_hourly": monthly / 730,
        "regions": ["lon1", "nyc3"],
        "available": True,
    }
    for slug, memory, monthly in (("s-1vcpu-1gb", 1024, 6.0), ("s-2vcpu-4gb", 4096, 24.0))
]


class FakeDigitalOcean:
    def __init__(self, api_key="do-test-key"):
        self.api_key = api_key
        self.droplets: dict[int, dict] = {}
        self.requests: list[tuple[str, str, dict | None]] = []
        self.fail_next: tuple[int, str] | None = None
        self.delay = 0.0
        self._next_id = 1000
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args):
                pass

            def do_GET(self):
                fake.handle(self, "GET")

            def do_POST(self):
                fake.handle(self, "POST")

            def do_DELETE(self):
                fake.handle(self, "DELETE")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    @staticmethod
    def _send(handler, status: int, body: dict | None = None):
        data = b"" if body is None else json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def handle(self, handler, method: str):
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        path = handler.path.split("?")[0]
        with self._lock:
            self.requests.append((method, path, body))
            failure, self.fail_next = self.fail_next, None
        if self.delay:
            time.sleep(self.delay)
        if handler.headers.get("Authorization") != f"Bearer {self.api_key}":
            return self._send(handler, 401, {"id": "unauthorized", "message": "Unable to authenticate you."})
        if failure:
            status, message = failure
            return self._send(handler, status, {"id": "unprocessable_entity", "message": message})
        if method == "GET" and path == "/v2/regions":
            return self._send(
                handler, 200, {"regions": REGIONS, "links": {}, "meta": {"total": len(REGIONS)}}
            )
        if method == "GET" and path == "/v2/sizes":
            return self._send(handler, 200, {"sizes": SIZES, "links": {}, "meta": {"total": len(SIZES)}})
        if method == "GET" and path == "/v2/droplets":
            droplets = list(self.droplets.values())
            return self._send(
                handler, 200, {"droplets": droplets, "links": {}, "meta": {"total": len(droplets)}}
            )
        if method == "POST" and path == "/v2/droplets":
            return self._create(handler, body or {})
        match = re.fullmatch(r"/v2/droplets/(\d+)(/actions)?", path)
        if match and int(match.group(1)) in self.droplets:
            droplet_id = int(match.group(1))
            if method == "DELETE" and not match.group(2):
                del self.droplets[droplet_id]
                return self._send(handler, 204)
            if method == "POST" and match.group(2) and (body or {}).get("type") == "reboot":
                return self._send(
                    handler, 201, {"action": {"id": 1, "status": "in-progress", "type": "reboot"}}
                )
        if match:
            return self._send(
                handler, 404, {"id": "not_found", "message": "The resource you requested could not be found."}
            )
        return self._send(handler, 404, {"id": "not_found", "message": f"No route {method} {path}"})

    def _create(self, handler, body: dict):
        if body.get("region") not in {r["slug"] for r in REGIONS if r["available"]}:
            return self._send(
                handler, 422, {"id": "unprocessable_entity", "message": "Region is not available."}
            )
        if body.get("size") not in {s["slug"] for s in SIZES}:
            return self._send(
                handler, 422, {"id": "unprocessable_entity", "message": "Size is not available."}
            )
        with self._lock:
            self._next_id += 1
            droplet_id = self._next_id
        droplet = {
            "id": droplet_id,
            "name": body["name"],
            "memory": 1024,
            "vcpus": 1,
            "disk": 25,
            "locked": False,
            "status": "new",
            "created_at": "2026-11-23T12:00:00Z",
            "features": [],
            "backup_ids": [],
            "snapshot_ids": [],
            "image": {
                "id": 1,
                "name": "12 x64",
                "distribution": "Debian",
                "slug": body["image"],
                "public": True,
                "regions": ["lon1"],
                "created_at": "2026-01-01T00:00:00Z",
                "min_disk_size": 10,
                "type": "base",
                "size_gigabytes": 1.0,
            },
            "size_slug": body["size"],
            "networks": {"v4": [], "v6": []},
            "region": {"slug": body["region"], "name": body["region"]},
            "tags": [],
            "user_data": body.get("user_data"),
        }
        self.droplets[droplet_id] = droplet
        return self._send(handler, 202, {"droplet": droplet, "links": {}})
