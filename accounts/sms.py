"""Sending SMS through a backend chosen by settings.SMS_BACKEND, like Django's email backends.

console  print the message to stdout (development default)
file     append one JSON line per message to SMS_FILE_PATH
locmem   keep messages in `accounts.sms.outbox` (tests)
http     POST JSON to an HTTP gateway (SMS_GATEWAY_URL, SMS_GATEWAY_TOKEN) with httpx
or a dotted path to a class with `send(message)`.
"""

import json
import sys
from dataclasses import asdict, dataclass

import httpx
from django.conf import settings
from django.utils.module_loading import import_string

outbox: list["SmsMessage"] = []


class SmsError(Exception):
    """The message was not accepted; str() says why, in words an operator can act on."""


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str
    sender: str = ""


class ConsoleBackend:
    def send(self, message: SmsMessage) -> str:
        sys.stdout.write(f"SMS from {message.sender or '-'} to {message.to}: {message.body}\n")
        sys.stdout.flush()
        return "printed"


class FileBackend:
    def send(self, message: SmsMessage) -> str:
        with open(settings.SMS_FILE_PATH, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(asdict(message)) + "\n")
        return "written"


class LocmemBackend:
    def send(self, message: SmsMessage) -> str:
        outbox.append(message)
        return "stored"


class HttpGatewayBackend:
    """A generic JSON gateway: POST {"from", "to", "text"} with a bearer token; any 2xx is accepted.

    The answer's `id` (if any) is returned so it can be logged against the message.
    """

    def send(self, message: SmsMessage) -> str:
        if not settings.SMS_GATEWAY_URL:
            raise SmsError("SMS_GATEWAY_URL is not configured.")
        headers = {"Accept": "application/json"}
        if settings.SMS_GATEWAY_TOKEN:
            headers["Authorization"] = f"Bearer {settings.SMS_GATEWAY_TOKEN}"
        payload = {"from": message.sender, "to": message.to, "text": message.body}
        try:
            response = httpx.post(
                settings.SMS_GATEWAY_URL,
                json=payload,
                headers=headers,
                timeout=settings.SMS_GATEWAY_TIMEOUT,
            )
        except httpx.HTTPError as exc:
            raise SmsError(f"The SMS gateway could not be reached: {exc}") from exc
        if not response.is_success:
            raise SmsError(
                f"The SMS gateway refused the message: HTTP {response.status_code} {response.text[:200]}"
            )
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        return str(answer.get("id", "")) if isinstance(answer, dict) else ""


BACKENDS = {
    "console": ConsoleBackend,
    "file": FileBackend,
    "locmem": LocmemBackend,
    "http": HttpGatewayBackend,
}


def get_backend():
    name = settings.SMS_BACKEND
    cls = BACKENDS.get(name) or import_string(name)
    return cls()


def send_sms(*, to: str, body: str, sender: str = "") -> str:
    return get_backend().send(SmsMessage(to=to, body=body, sender=sender or settings.SMS_FROM))
