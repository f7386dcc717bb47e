"""The switch-facing endpoints: heartbeats (bearer token) and the own-host install script (one-time token).

Both face the internet: bodies are capped, JSON is validated field by field, a token that belongs to no
live server gets 401 (heartbeat) or 404 (install), and nothing here uses a session or CSRF cookie.
"""

import orjson
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from connexcs.clientip import client_ip

from .choices import Health
from .services import Heartbeat, server_heartbeat, server_install_script

MAX_BODY = 4 * 1024
MAX_COUNT = 10_000_000


class BadBeat(Exception):
    pass


def _count(data: dict, field: str, *, required: bool = True) -> int | None:
    value = data.get(field)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise BadBeat(f"{field}: a whole number from 0 to {MAX_COUNT}.")
    return value


def parse_heartbeat(body: bytes) -> Heartbeat:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadBeat("Malformed JSON.") from exc
    if not isinstance(data, dict):
        raise BadBeat("Send a JSON object.")
    version = data.get("version", "")
    if not isinstance(version, str) or len(version) > 100:
        raise BadBeat("version: text of at most 100 characters.")
    health = data.get("health")
    if health not in Health.values:
        raise BadBeat(f"health: one of {', '.join(Health.values)}.")
    return Heartbeat(
        version=version.strip(),
        channels=_count(data, "channels"),
        cps=_count(data, "cps"),
        health=health,
        sip_latency_ms=_count(data, "sip_latency_ms", required=False),
        icmp_latency_ms=_count(data, "icmp_latency_ms", required=False),
    )


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@csrf_exempt
@require_POST
@never_cache
def heartbeat_view(request):
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return _error(401, "Send 'Authorization: Bearer <server token>'.")
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        return _error(400, "Bad Content-Length.")
    if length > MAX_BODY:
        return _error(413, f"At most {MAX_BODY} bytes.")
    body = request.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        return _error(413, f"At most {MAX_BODY} bytes.")
    try:
        beat = parse_heartbeat(body)
    except BadBeat as exc:
        return _error(400, str(exc))
    server = server_heartbeat(token=token.strip(), beat=beat, remote_ip=client_ip(request))
    if server is None:
        return _error(401, "Unknown or revoked server token.")
    return JsonResponse({"status": server.status, "server": server.name})


@require_GET
@never_cache
def install_view(_request, token: str):
    script = server_install_script(token=token)
    if script is None:
        return HttpResponse("Unknown or used install token.\n", status=404, content_type="text/plain")
    return HttpResponse(script, content_type="text/x-shellscript")
