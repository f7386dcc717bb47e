"""POST /api/v1/cdr: the switch reports calls. Same bearer tokens as /api/v1/route.

A body is one CDR (a JSON object) or a batch (a JSON array of them), at most MAX_BODY bytes.
- One CDR: 201 created, 409 already recorded (nothing charged again), 400 naming the bad field.
- A batch: 200 with {"created", "duplicates", "rejected", "results"}; `results` lists every item
  that was not created, by index, with its status (409 or 400), field and error. Good items are
  kept whatever happens to the others.
- 413 for a body over the limit, 401 for a bad token, 503 when the data cannot be confirmed or
  written right now (the switch keeps the CDR in its spool and retries).
"""

import logging

import orjson
from django.db import DatabaseError
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from routing.api import BadRequest, _bearer
from routing.engine import Unavailable, engine
from routing.services import hash_token

from .ingest import CREATED, ingest

log = logging.getLogger(__name__)

MAX_BODY = 10 * 1024 * 1024
MAX_ITEMS = 20_000


def _json(status: int, data: dict) -> HttpResponse:
    return HttpResponse(orjson.dumps(data), status=status, content_type="application/json")


def _read_body(request) -> bytes:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError as exc:
        raise BadRequest(400, "body", "Content-Length is not a number.") from exc
    if length > MAX_BODY:
        raise BadRequest(
            413, "body", f"A batch is at most {MAX_BODY // (1024 * 1024)} MB; send smaller batches."
        )
    # Read from the stream: Django's request.body stops at DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB).
    body = request.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        raise BadRequest(
            413, "body", f"A batch is at most {MAX_BODY // (1024 * 1024)} MB; send smaller batches."
        )
    return body


def _items(body: bytes) -> tuple[list, bool]:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(400, "body", f"Malformed JSON: {exc}.") from exc
    if isinstance(data, dict):
        return [data], True
    if not isinstance(data, list) or not data:
        raise BadRequest(400, "body", "Send a CDR object or a non-empty array of them.")
    if len(data) > MAX_ITEMS:
        raise BadRequest(413, "body", f"At most {MAX_ITEMS} CDRs per batch.")
    return data, False


@csrf_exempt
def cdr_view(request):
    if request.method != "POST":
        response = _json(405, {"error": "Use POST.", "field": "method"})
        response["Allow"] = "POST"
        return response
    try:
        if not engine.token_valid(hash_token(_bearer(request.META.get("HTTP_AUTHORIZATION", "")))):
            raise BadRequest(401, "Authorization", "Unknown or revoked API token.")
        items, single = _items(_read_body(request))
        result = ingest(actor=None, items=items)
    except BadRequest as exc:
        return _json(exc.status, {"error": exc.message, "field": exc.field})
    except Unavailable as exc:
        return _json(503, {"error": str(exc), "field": None})
    except DatabaseError:
        log.exception("CDR batch could not be written; the sender retries")
        return _json(503, {"error": "The CDRs could not be written now; retry.", "field": None})
    if single:
        if result.created:
            return _json(CREATED, {"status": CREATED, "call_id": items[0].get("call_id")})
        outcome = result.outcomes[0]
        return _json(outcome.status, outcome.as_json())
    return _json(
        200,
        {
            "created": result.created,
            "duplicates": result.duplicates,
            "rejected": result.rejected,
            "results": [o.as_json() for o in result.outcomes],
        },
    )
