"""PayPal at its HTTP boundary: OAuth client credentials and the Orders v2 / Payments v2 calls
`paypal-server-sdk` makes, an approval page, and webhooks with PayPal's transmission headers
(signed with the fake's own key; the panel trusts none of it and asks the API instead).

    with FakePayPal(client_id="id", secret="s") as paypal:
        settings.PAYPAL_API_BASE = paypal.url
"""

import base64
import hashlib
import hmac
import itertools
import json
import re
import time
import uuid
from html import escape
from urllib.parse import parse_qsl, urlencode

from .base import FakeServer

FEE = "0.64"


class FakePayPal(FakeServer):
    def __init__(self, *, client_id: str, secret: str):
        super().__init__()
        self.client_id, self.secret = client_id, secret
        self.tokens: set[str] = set()
        self.orders: dict[str, dict] = {}
        self.captures: dict[str, dict] = {}
        self.by_request_id: dict[str, dict] = {}
        self._ids = itertools.count(1)

    def _id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):08d}"

    @staticmethod
    def _error(status: int, name: str, message: str = ""):
        return status, {}, {"name": name, "message": message or name, "debug_id": uuid.uuid4().hex[:12]}

    def handle(self, method, path, query, headers, body):
        with self.lock:
            self.requests.append((method, path))
        if path == "/checkoutnow":
            return self._approval_page(method, query, body)
        if method == "POST" and path == "/v1/oauth2/token":
            expected = base64.b64encode(f"{self.client_id}:{self.secret}".encode()).decode()
            if headers.get("Authorization") != f"Basic {expected}":
                return (
                    401,
                    {},
                    {"error": "invalid_client", "error_description": "Client Authentication failed"},
                )
            token = uuid.uuid4().hex
            self.tokens.add(token)
            return 200, {}, {"access_token": token, "token_type": "Bearer", "expires_in": 32400, "scope": "x"}
        auth = headers.get("Authorization") or ""
        if not auth.startswith("Bearer ") or auth.removeprefix("Bearer ") not in self.tokens:
            return self._error(401, "AUTHENTICATION_FAILURE", "Authentication failed")
        if method == "POST" and path == "/v2/checkout/orders":
            return self._create(json.loads(body or b"{}"), headers.get("PayPal-Request-Id"))
        if match := re.fullmatch(r"/v2/checkout/orders/(\w+)", path):
            order = self.orders.get(match[1])
            return (200, {}, order) if order else self._error(404, "RESOURCE_NOT_FOUND")
        if method == "POST" and (match := re.fullmatch(r"/v2/checkout/orders/(\w+)/capture", path)):
            return self._capture(match[1])
        if match := re.fullmatch(r"/v2/payments/captures/(\w+)", path):
            capture = self.captures.get(match[1])
            return (200, {}, capture) if capture else self._error(404, "RESOURCE_NOT_FOUND")
        return self._error(404, "NOT_FOUND", f"{method} {path}")

    def _create(self, request: dict, request_id: str | None):
        if request_id and request_id in self.by_request_id:
            return 200, {}, self.by_request_id[request_id]
        try:
            unit = request["purchase_units"][0]
            amount = unit["amount"]
            context = request["payment_source"]["paypal"]["experience_context"]
        except (KeyError, IndexError, TypeError):
            return self._error(400, "INVALID_REQUEST")
        order_id = self._id("ORD")
        order = {
            "id": order_id,
            "intent": "CAPTURE",
            "status": "PAYER_ACTION_REQUIRED",
            "purchase_units": [
                {
                    "reference_id": unit.get("reference_id"),
                    "custom_id": unit.get("custom_id"),
                    "amount": amount,
                }
            ],
            "links": [
                {"rel": "self", "href": f"{self.url}/v2/checkout/orders/{order_id}", "method": "GET"},
                {"rel": "payer-action", "href": f"{self.url}/checkoutnow?token={order_id}", "method": "GET"},
            ],
            "_return_url": context.get("return_url"),
            "_cancel_url": context.get("cancel_url"),
        }
        with self.lock:
            self.orders[order_id] = order
            if request_id:
                self.by_request_id[request_id] = order
        return 201, {}, order

    def _capture(self, order_id: str):
        with self.lock:
            order = self.orders.get(order_id)
            if order is None:
                return self._error(404, "RESOURCE_NOT_FOUND")
            if order["status"] == "COMPLETED":
                return self._error(422, "UNPROCESSABLE_ENTITY", "ORDER_ALREADY_CAPTURED")
            if order["status"] != "APPROVED":
                return self._error(422, "UNPROCESSABLE_ENTITY", "ORDER_NOT_APPROVED")
            amount = order["purchase_units"][0]["amount"]
            capture = {
                "id": self._id("CAP"),
                "status": "COMPLETED",
                "amount": amount,
                "seller_receivable_breakdown": {
                    "gross_amount": amount,
                    "paypal_fee": {"currency_code": amount["currency_code"], "value": FEE},
                },
                "supplementary_data": {"related_ids": {"order_id": order_id}},
                "links": [
                    {"rel": "up", "href": f"{self.url}/v2/checkout/orders/{order_id}", "method": "GET"}
                ],
            }
            self.captures[capture["id"]] = capture
            order["purchase_units"][0]["payments"] = {"captures": [capture]}
            order["status"] = "COMPLETED"
            return 201, {}, order

    def _approval_page(self, method, query, body):
        form = dict(parse_qsl(body.decode())) if body else {}
        order = self.orders.get(query.get("token") or form.get("token") or "")
        if order is None:
            return 404, {}, "<h1>No such order</h1>"
        if method == "GET":
            value = order["purchase_units"][0]["amount"]
            return (
                200,
                {},
                (
                    f"<!doctype html><title>PayPal (fake)</title><h1>Pay {escape(value['value'])} "
                    f"{escape(value['currency_code'])}</h1><form method=post><input type=hidden name=token "
                    f"value={order['id']}><button name=do value=approve>Pay Now</button>"
                    "<button name=do value=cancel>Cancel</button></form>"
                ),
            )
        if form.get("do") == "cancel":
            return 303, {"Location": order["_cancel_url"]}, b""
        self.approve(order["id"])
        sep = "&" if "?" in order["_return_url"] else "?"
        return (
            303,
            {"Location": order["_return_url"] + sep + urlencode({"token": order["id"], "PayerID": "P1"})},
            b"",
        )

    # --- helpers for tests -----------------------------------------------------------------------

    def approve(self, order_id: str) -> dict:
        with self.lock:
            self.orders[order_id]["status"] = "APPROVED"
            return self.orders[order_id]

    def refund(self, capture_id: str) -> dict:
        """The capture is refunded in full; returns the refund resource PayPal's event carries."""
        with self.lock:
            capture = self.captures[capture_id]
            capture["status"] = "REFUNDED"
            return {
                "id": self._id("REF"),
                "status": "COMPLETED",
                "amount": capture["amount"],
                "links": [
                    {"rel": "up", "href": f"{self.url}/v2/payments/captures/{capture_id}", "method": "GET"}
                ],
            }

    def event(self, event_type: str, resource: dict, *, event_id: str | None = None):
        """(raw body, headers) of a webhook delivery with PayPal's transmission headers."""
        event = {
            "id": event_id or f"WH-{uuid.uuid4().hex[:20].upper()}",
            "event_version": "1.0",
            "create_time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "resource_type": "checkout-order" if event_type.startswith("CHECKOUT") else "capture",
            "event_type": event_type,
            "resource": resource,
        }
        payload = json.dumps(event).encode()
        transmission = str(uuid.uuid4())
        signature = hmac.new(self.secret.encode(), transmission.encode() + payload, hashlib.sha256).digest()
        headers = {
            "PAYPAL-TRANSMISSION-ID": transmission,
            "PAYPAL-TRANSMISSION-TIME": event["create_time"],
            "PAYPAL-TRANSMISSION-SIG": base64.b64encode(signature).decode(),
            "PAYPAL-AUTH-ALGO": "SHA256withRSA",
            "PAYPAL-CERT-URL": f"{self.url}/v1/notifications/certs/CERT-fake",
        }
        return payload, headers
