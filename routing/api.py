"""POST /api/v1/route: the routing engine for SIP proxies. Bearer token, JSON in, JSON out.

No session, no CSRF, no ORM per call: the token is checked against the snapshot's set of token
hashes and the decision comes from the in-process engine. A routing refusal is a normal answer
(HTTP 200 carrying the SIP code); HTTP 4xx is only for a bad request, naming the field.
"""

import ipaddress
import json
import re

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from .engine import Decision, engine
from .services import hash_token

NUMBER_RE = re.compile(r"^\+?[0-9*#]+$")
MAX_DIGITS = 20


class BadRequest(Exception):
    def __init__(self, status: int, field: str, message: str):
        super().__init__(message)
        self.status, self.field, self.message = status, field, message


def _dumps(data: dict) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode()


def _bearer(header: str) -> str:
    scheme, _, value = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise BadRequest(401, "Authorization", "Send 'Authorization: Bearer <API token>'.")
    return value.strip()


def parse_request(body: bytes) -> dict:
    """Validated {number, source_ip, source_port, username} or BadRequest naming the field."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(400, "body", f"Malformed JSON: {exc}.") from exc
    if not isinstance(data, dict):
        raise BadRequest(400, "body", "Send a JSON object.")
    number = data.get("number")
    if number is None or number == "":
        raise BadRequest(400, "number", "This field is required.")
    if not isinstance(number, str) or not NUMBER_RE.match(number):
        raise BadRequest(400, "number", "Digits only (a leading + and a tech prefix's * or # allowed).")
    # A tech prefix ends at its last * or #; the number after it is what must fit E.164-ish limits.
    if len(re.split(r"[*#]", number)[-1].lstrip("+")) > MAX_DIGITS or len(number) > 2 * MAX_DIGITS:
        raise BadRequest(400, "number", f"At most {MAX_DIGITS} digits.")
    username = data.get("username") or None
    if username is not None and (not isinstance(username, str) or len(username) > 64):
        raise BadRequest(400, "username", "A SIP username of at most 64 characters.")
    source_ip = data.get("source_ip")
    if source_ip in (None, ""):
        if username is None:
            raise BadRequest(400, "source_ip", "This field is required (or give username).")
        source_ip = None
    else:
        try:
            source_ip = str(ipaddress.ip_address(source_ip))
        except (ValueError, TypeError) as exc:
            raise BadRequest(400, "source_ip", f"{source_ip!r} is not an IP address.") from exc
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
                    "headers": {"extra": f"X-Connexcs-Carrier: {carrier.id}\r\n"},
                }
            )
    return {"version": "1.0", "routing": "serial", "routes": routes}


def answer(method: str, authorization: str, body: bytes) -> tuple[int, bytes]:
    """(HTTP status, JSON body) for one API call; shared by the Django view and the WSGI fast path."""
    if method != "POST":
        return 405, _dumps({"error": "Use POST.", "field": "method"})
    try:
        if not engine.token_valid(hash_token(_bearer(authorization))):
            raise BadRequest(401, "Authorization", "Unknown or revoked API token.")
        data = parse_request(body)
    except BadRequest as exc:
        return exc.status, _dumps({"error": exc.message, "field": exc.field})
    decision = engine.route(number=data["number"], source_ip=data["source_ip"], username=data["username"])
    return 200, _dumps(decision_json(decision))


@csrf_exempt
def route_view(request):
    status, body = answer(request.method, request.META.get("HTTP_AUTHORIZATION", ""), request.body)
    response = HttpResponse(body, status=status, content_type="application/json")
    if status == 405:
        response["Allow"] = "POST"
    return response
