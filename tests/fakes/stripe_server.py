"""Stripe at its HTTP boundary: the part of the REST API `stripe` (StripeClient) calls, a hosted
checkout page, and webhooks signed like Stripe's (`Stripe-Signature: t=...,v1=HMAC-SHA256`).

    with FakeStripe(secret_key="sk_test_x", webhook_secret="whsec_x") as stripe:
        settings.STRIPE_API_BASE = stripe.url
        ...
        body, headers = stripe.event("checkout.session.completed", stripe.pay(session_id))
"""

import hashlib
import hmac
import itertools
import json
import re
import threading
import time
from html import escape

from .base import FakeServer, post

FEE_PERCENT_BASIS = 290  # 2.9% + 30 minor units, as Stripe's card fee
FEE_FIXED = 30


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _form(body: bytes) -> dict[str, str]:
    from urllib.parse import parse_qsl

    return dict(parse_qsl(body.decode(), keep_blank_values=True))


class FakeStripe(FakeServer):
    def __init__(self, *, secret_key: str, webhook_secret: str, webhook_url: str = ""):
        super().__init__()
        self.secret_key = secret_key
        self.webhook_secret = webhook_secret
        self.webhook_url = webhook_url  # where the hosted page delivers events after paying
        self.sessions: dict[str, dict] = {}
        self.intents: dict[str, dict] = {}
        self.by_idempotency: dict[str, dict] = {}
        self.deliveries: list[int] = []
        self._ids = itertools.count(1)

    def _id(self, prefix: str) -> str:
        return f"{prefix}_test_{next(self._ids):06d}"

    # --- the API ---------------------------------------------------------------------------------

    def _authorised(self, headers) -> bool:
        return headers.get("Authorization") == f"Bearer {self.secret_key}"

    @staticmethod
    def _error(status: int, kind: str, message: str):
        return status, {}, {"error": {"type": kind, "message": message}}

    def handle(self, method, path, query, headers, body):
        with self.lock:
            self.requests.append((method, path))
        if path.startswith("/pay/"):
            return self._hosted(method, path.removeprefix("/pay/"), body)
        if not self._authorised(headers):
            return self._error(401, "invalid_request_error", "Invalid API Key provided.")
        if method == "GET" and path == "/v1/balance":
            return 200, {}, {"object": "balance", "livemode": False, "available": [], "pending": []}
        if method == "POST" and path == "/v1/checkout/sessions":
            return self._create_session(_form(body), headers.get("Idempotency-Key"))
        if method == "GET" and (match := re.fullmatch(r"/v1/checkout/sessions/([\w]+)", path)):
            session = self.sessions.get(match[1])
            return (
                (200, {}, session)
                if session
                else self._error(404, "invalid_request_error", "No such session")
            )
        if method == "GET" and (match := re.fullmatch(r"/v1/payment_intents/([\w]+)", path)):
            intent = self.intents.get(match[1])
            if intent is None:
                return self._error(404, "invalid_request_error", "No such payment_intent")
            return 200, {}, intent
        return self._error(404, "invalid_request_error", f"Unrecognized request URL ({method}: {path})")

    def _create_session(self, form: dict, idempotency_key: str | None):
        if idempotency_key and idempotency_key in self.by_idempotency:
            return 200, {}, self.by_idempotency[idempotency_key]
        try:
            amount = int(form["line_items[0][price_data][unit_amount]"]) * int(
                form["line_items[0][quantity]"]
            )
            currency = form["line_items[0][price_data][currency]"]
        except (KeyError, ValueError):
            return self._error(400, "invalid_request_error", "line_items are required")
        session_id, intent_id = self._id("cs"), self._id("pi")
        session = {
            "id": session_id,
            "object": "checkout.session",
            "amount_total": amount,
            "currency": currency,
            "client_reference_id": form.get("client_reference_id"),
            "metadata": {"online_payment": form.get("metadata[online_payment]", "")},
            "mode": "payment",
            "payment_intent": intent_id,
            "payment_status": "unpaid",
            "status": "open",
            "success_url": form.get("success_url"),
            "cancel_url": form.get("cancel_url"),
            "url": f"{self.url}/pay/{session_id}",
            "livemode": False,
        }
        fee = amount * FEE_PERCENT_BASIS // 10000 + FEE_FIXED
        self.intents[intent_id] = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "currency": currency,
            "status": "requires_payment_method",
            "latest_charge": {
                "id": self._id("ch"),
                "object": "charge",
                "balance_transaction": {
                    "id": self._id("txn"),
                    "object": "balance_transaction",
                    "fee": fee,
                    "currency": currency,
                },
            },
        }
        with self.lock:
            self.sessions[session_id] = session
            if idempotency_key:
                self.by_idempotency[idempotency_key] = session
        return 200, {}, session

    # --- the hosted page -------------------------------------------------------------------------

    def _hosted(self, method, session_id, body):
        session = self.sessions.get(session_id)
        if session is None:
            return 404, {}, "<h1>No such checkout</h1>"
        if method == "GET":
            amount = f"{session['amount_total'] / 100:.2f} {session['currency'].upper()}"
            page = f"""<!doctype html><html><head><meta name="viewport" content="width=device-width">
<title>Stripe Checkout (fake)</title></head>
<body style="font-family:sans-serif;max-width:30rem;margin:2rem auto;padding:0 1rem">
<h1>Pay {escape(amount)}</h1><form method="post"><label for="card">Card number</label>
<input id="card" name="card" value="4242 4242 4242 4242">
<button type="submit" name="do" value="pay">Pay</button>
<button type="submit" name="do" value="cancel">Cancel</button></form></body></html>"""
            return 200, {}, page
        if _form(body).get("do") == "cancel":
            return 303, {"Location": session["cancel_url"]}, b""
        completed = self.pay(session_id)
        if self.webhook_url:
            payload, headers = self.event("checkout.session.completed", completed)
            threading.Thread(target=self._deliver, args=(payload, headers), daemon=True).start()
        location = session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)
        return 303, {"Location": location}, b""

    def _deliver(self, payload, headers):
        time.sleep(0.3)  # after the browser has been sent back, as in life
        self.deliveries.append(post(self.webhook_url, payload, headers))

    # --- helpers for tests -----------------------------------------------------------------------

    def pay(self, session_id: str) -> dict:
        """The customer paid: the session as Stripe's checkout.session.completed carries it."""
        with self.lock:
            session = self.sessions[session_id]
            session.update(status="complete", payment_status="paid")
            self.intents[session["payment_intent"]]["status"] = "succeeded"
            return dict(session)

    def charge_refunded(self, session_id: str, *, full: bool = True) -> dict:
        session = self.sessions[session_id]
        intent = self.intents[session["payment_intent"]]
        amount = session["amount_total"]
        return {
            "id": intent["latest_charge"]["id"],
            "object": "charge",
            "amount": amount,
            "amount_refunded": amount if full else amount // 2,
            "currency": session["currency"],
            "payment_intent": intent["id"],
            "refunded": full,
        }

    def event(self, event_type: str, obj: dict, *, secret: str | None = None, event_id: str | None = None):
        """(raw body, headers) of a webhook delivery, signed with the webhook secret (or `secret`)."""
        event = {
            "id": event_id or self._id("evt"),
            "object": "event",
            "type": event_type,
            "created": int(time.time()),
            "livemode": False,
            "api_version": "2025-01-01",
            "data": {"object": obj},
        }
        payload = json.dumps(event).encode()
        return payload, {"Stripe-Signature": sign(payload, secret or self.webhook_secret)}
