"""WSGI entry point for a routing-API server: POST /api/v1/route skips Django's request cycle.

SIP proxies call the API once per call, so it is worth serving from a dedicated gunicorn with
`gunicorn routing.wsgi`: that path goes straight to `routing.api.answer` (token, validation,
engine), which is exactly what the Django view runs, minus middleware, URL resolving and
request objects. Every other path (and the panel) is the normal Django application.
Hosts are not checked on the fast path: the bearer token is what authenticates it.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "connexcs.settings")
django_app = get_wsgi_application()

from .api import answer, read_wsgi_body  # noqa: E402 - needs the settings configured above

API_PATH = "/api/v1/route"
_REASONS = {
    200: "200 OK",
    400: "400 Bad Request",
    401: "401 Unauthorized",
    405: "405 Method Not Allowed",
    503: "503 Service Unavailable",
}


def application(environ, start_response):
    if environ.get("PATH_INFO") != API_PATH:
        return django_app(environ, start_response)
    status, body = answer(
        environ["REQUEST_METHOD"], environ.get("HTTP_AUTHORIZATION", ""), lambda: read_wsgi_body(environ)
    )
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    if status == 405:
        headers.append(("Allow", "POST"))
    start_response(_REASONS.get(status, f"{status} Error"), headers)
    return [body]
