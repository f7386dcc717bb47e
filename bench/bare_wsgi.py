"""The baseline for bench/route_http.py: a bare WSGI app answering every request with fixed JSON.

It reads the request body as the routing API does and answers a body of the routing answer's
size, so the ratio measures what our code costs on top of gunicorn and the network.
"""

BODY = b'{"code":200,"reason":"OK","pad":"' + b"x" * 1200 + b'"}'
HEADERS = [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))]


def application(environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    environ["wsgi.input"].read(length)
    start_response("200 OK", HEADERS)
    return [BODY]
