"""POST /api/v1/route: the routing engine for SIP proxies. Bearer token, JSON in, JSON out.

No session, no CSRF, no ORM per call: the token is checked against the snapshot's set of token
hashes and the decision comes from the in-process engine. A routing refusal is a normal answer
(HTTP 200 carrying the SIP code); HTTP 4xx is only for a bad request, naming the field.
"""

import ipaddress
import re
from collections.abc import Callable
from functools import lru_cache

import orjson
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from .billing import max_duration
from .engine import AuthEntry, Decision, Snapshot, Unavailable, engine
from .services import hash_token

NUMBER_RE = re.compile(r"^\+?[0-9*#]+$")
TECH_PREFIX_END = re.compile(r"[*#]")
MAX_DIGITS = 20
MAX_BODY = 64 * 1024


class BadRequest(Exception):
    def __init__(self, status: int, field: str, message: str):
        super().__init__(message)
        self.status, self.field, self.message = status, field, message


def _dumps(data: dict) -> bytes:
    return orjson.dumps(data)


def _bearer(header: str) -> str:
    scheme, _, value = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise BadRequest(401, "Authorization", "Send 'Authorization: Bearer <API token>'.")
    return value.strip()


@lru_cache(maxsize=4096)  # a proxy's callers come from a small set of addresses
def _address(text: str) -> str:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError as exc:
        raise BadRequest(400, "source_ip", f"{text!r} is not an IP address.") from exc


def parse_request(body: bytes) -> dict:
    """Validated {number, source_ip, source_port, username} or BadRequest naming the field."""
    try:
        # orjson refuses nesting deeper than 1024 levels with a JSONDecodeError, not a RecursionError.
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(400, "body", f"Malformed JSON: {exc}.") from exc
    if not isinstance(data, dict):
        raise BadRequest(400, "body", "Send a JSON object.")
    number = data.get("number")
    if number is None or number == "":
        raise BadRequest(400, "number", "This field is required.")
    if not isinstance(number, str) or not NUMBER_RE.match(number):
        raise BadRequest(400, "number", "Digits only (a leading + and a tech prefix's * or # allowed).")
    # A tech prefix ends at its last * or #; the number after it is what must fit E.164-ish limits.
    if len(TECH_PREFIX_END.split(number)[-1].lstrip("+")) > MAX_DIGITS or len(number) > 2 * MAX_DIGITS:
        raise BadRequest(400, "number", f"At most {MAX_DIGITS} digits.")
    username = data.get("username") or None
    if username is not None and (not isinstance(username, str) or len(username) > 64):
        raise BadRequest(400, "username", "A SIP username of at most 64 characters.")
    source_ip = data.get("source_ip")
    if source_ip in (None, ""):
        if username is None:
            raise BadRequest(400, "source_ip", "This field is required (or give username).")
        source_ip = None
    elif not isinstance(source_ip, str):
        # ipaddress takes an integer as an address; a proxy sending one has a bug worth seeing.
        raise BadRequest(400, "source_ip", "An IP address as a JSON string.")
    else:
        source_ip = _address(source_ip)
    port = data.get("source_port")
    if port is not None and (isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535):
        raise BadRequest(400, "source_port", "A port number from 1 to 65535.")
    return {"number": number, "source_ip": source_ip, "source_port": port, "username": username}


def decision_json(decision: Decision) -> dict:
    out: dict = {"code": decision.code, "reason": decision.reason, "dialled": decision.dialled}
    if decision.auth:
        out["auth"] = decision.auth
    if decision.customer is not None:
        c = decision.customer
        out["customer"] = {"id": c.id, "name": c.name, "currency": c.currency}
    if decision.route is not None:
        r = decision.route
        out["route"] = {
            "id": r.id,
            "tech_prefix": r.tech_prefix,
            "channels": r.channels,
            "cps": r.cps,
            "max_duration": r.max_duration,
            "profit_assurance": r.profit_assurance,
        }
        out["number"] = decision.number
    if decision.card is not None:
        out["card"] = {"id": decision.card.id, "name": decision.card.name, "currency": decision.card.currency}
    if decision.row is not None:
        row = decision.row
        out.update(
            prefix=decision.prefix,
            destination=row.name,
            rate=str(row.rate),
            connect_cost=str(row.connect_cost),
            billing={"mcd": row.mcd, "pulse": row.pulse},
        )
    carriers = []
    for choice in decision.carriers:
        carriers.append(
            {
                "id": choice.carrier.id,
                "name": choice.carrier.name,
                "provider_card_id": choice.provider_card_id,
                "prefix": choice.prefix,
                "cost": str(choice.cost),
                "connect_cost": str(choice.connect_cost),
                "billing": {"mcd": choice.mcd, "pulse": choice.pulse},
                "gateways": [
                    {"host": g.host, "port": g.port, "protocol": g.protocol, "weight": g.weight}
                    for g in choice.carrier.gateways
                ],
            }
        )
    out["carriers"] = carriers
    out["routing"] = rtjson(decision) if decision.ok else None
    return out


def _hostport(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def rtjson(decision: Decision) -> dict:
    """The document Kamailio's rtjson module loads (serial forking, cheapest carrier first)."""
    routes = []
    for choice in decision.carriers:
        carrier = choice.carrier
        for gateway in carrier.gateways:
            hostport = _hostport(gateway.host, gateway.port)
            routes.append(
                {
                    "uri": f"sip:{decision.number}@{hostport}",
                    "dst_uri": f"sip:{hostport};transport={gateway.protocol}",
                    "fr_timer": carrier.fr_timer,
                    "fr_inv_timer": carrier.fr_inv_timer,
                    # For the switch's limits and the CDR; rtjson ignores it, and nothing internal
                    # goes out in SIP.
                    "carrier": {**carrier_limits(carrier), **carrier_cost(choice)},
                }
            )
    return {"version": "1.0", "routing": "serial", "routes": routes}


def carrier_limits(carrier) -> dict:
    return {"id": carrier.id, "channels": carrier.channels, "cps": carrier.cps}


def carrier_cost(choice) -> dict:
    """What the carrier charges for the call, as routed (card currency): the CDR sends it back."""
    return {
        "prefix": choice.prefix,
        "cost": str(choice.cost),
        "connect_cost": str(choice.connect_cost),
        "billing": {"mcd": choice.mcd, "pulse": choice.pulse},
    }


def credit_max_duration(decision: Decision) -> int:
    """The route's Max Duration, capped by what the customer's credit left pays for at this rate."""
    c, r, row = decision.customer, decision.route, decision.row
    return max_duration(
        credit=c.balance + c.debit_limit,
        rate=row.rate,
        connect_cost=row.connect_cost,
        mcd=row.mcd,
        pulse=row.pulse,
        limit=r.max_duration,
    )


def matched_auth(snap: Snapshot, decision: Decision, source_ip, username) -> AuthEntry | None:
    """The IP auth row or SIP user the decision was made for (its label says which)."""
    if username:
        return snap.sip_users.get(username)
    if decision.customer is None or not source_ip:
        return None
    for entry in snap.auth.lookup(source_ip):
        if entry.label == decision.auth and entry.customer_id == decision.customer.id:
            return entry
    return None


def switch_fields(decision: Decision, entry: AuthEntry | None) -> dict:
    """What the switch enforces: limits per customer, IP auth and route, and a SIP user's HA1."""
    out: dict = {}
    if entry is not None and entry.ha1:
        out["sip_user"] = {"ha1": entry.ha1}
    if not decision.ok:
        return out
    c, r = decision.customer, decision.route
    limits = {"customer": {"id": c.id, "channels": c.channels, "cps": c.cps}}
    if entry is not None and entry.id:
        limits["ipauth"] = {"id": entry.id, "channels": entry.channels, "cps": entry.cps}
    limits["route"] = {
        "id": r.id,
        "channels": r.channels,
        "cps": r.cps,
        "max_duration": credit_max_duration(decision),
    }
    out["limits"] = limits
    return out


def read_wsgi_body(environ: dict) -> bytes:
    """The request body, at most MAX_BODY bytes, sent with a Content-Length or chunked."""
    stream = environ["wsgi.input"]
    try:
        length = int(environ.get("CONTENT_LENGTH") or -1)
    except ValueError as exc:
        raise BadRequest(400, "body", "Content-Length is not a number.") from exc
    if length < 0 and "chunked" not in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        return b""
    try:
        body = stream.read(MAX_BODY + 1) if length < 0 else stream.read(length) if length <= MAX_BODY else b""
    except Exception as exc:
        # The server's own error for a broken chunk (gunicorn raises its parser's exceptions here).
        raise BadRequest(
            400, "body", "The request body could not be read (broken chunked encoding?)."
        ) from exc
    if length > MAX_BODY or len(body) > MAX_BODY:
        raise BadRequest(400, "body", f"Send a JSON body of at most {MAX_BODY // 1024} KiB.")
    return body


def answer(method: str, authorization: str, read_body: Callable[[], bytes]) -> tuple[int, bytes]:
    """(HTTP status, JSON body) for one API call; shared by the Django view and the WSGI fast path."""
    if method != "POST":
        return 405, _dumps({"error": "Use POST.", "field": "method"})
    try:
        if not engine.token_valid(hash_token(_bearer(authorization))):
            raise BadRequest(401, "Authorization", "Unknown or revoked API token.")
        data = parse_request(read_body())
        decision = engine.route(number=data["number"], source_ip=data["source_ip"], username=data["username"])
        entry = matched_auth(engine.snapshot(), decision, data["source_ip"], data["username"])
    except BadRequest as exc:
        return exc.status, _dumps({"error": exc.message, "field": exc.field})
    except Unavailable as exc:
        # HTTP 503: the proxy tries its next routing server, as it would for a dead one.
        return 503, _dumps({"error": str(exc), "field": None})
    out = decision_json(decision)
    out.update(switch_fields(decision, entry))
    return 200, _dumps(out)


@csrf_exempt
def route_view(request):
    def read_body() -> bytes:
        if not request.META.get("CONTENT_LENGTH"):
            # Django reads a body only with a Content-Length; a proxy may send it chunked.
            return read_wsgi_body(request.META)
        if int(request.META["CONTENT_LENGTH"]) > MAX_BODY:
            raise BadRequest(400, "body", f"Send a JSON body of at most {MAX_BODY // 1024} KiB.")
        return request.body

    status, body = answer(request.method, request.META.get("HTTP_AUTHORIZATION", ""), read_body)
    response = HttpResponse(body, status=status, content_type="application/json")
    if status == 405:
        response["Allow"] = "POST"
    return response
