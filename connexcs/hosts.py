"""Which site a request is for, decided by its Host header before anything else runs.

The panel answers on PANEL_HOSTS. Verified portal domains are added by the portal app through
`register_host_resolver`. Any other Host gets a 400 here, so Django's own ALLOWED_HOSTS can stay
open for domains that are only known at run time.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.http.request import split_domain_port

PANEL = "panel"
# Site kinds served by their own URLconf (by dotted name, so the core imports no app).
URLCONFS = {"portal": "portal.site_urls"}

_resolvers: list[Callable[[str], str | None]] = []


def register_host_resolver(resolver: Callable[[str], str | None]) -> None:
    """Add a function host -> site kind (or None); called for hosts that are not panel hosts."""
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def classify(host: str) -> str | None:
    domain, _port = split_domain_port(host.lower())
    if not domain:
        return None
    if domain in {h.lower() for h in settings.PANEL_HOSTS}:
        return PANEL
    for resolver in _resolvers:
        kind = resolver(domain)
        if kind:
            return kind
    return None


class HostMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The raw host (Host header, else SERVER_NAME), before Django's own ALLOWED_HOSTS check.
        kind = classify(request._get_raw_host())
        if kind is None:
            return HttpResponseBadRequest("Unknown host.", content_type="text/plain")
        request.site_kind = kind
        if kind in URLCONFS:
            request.urlconf = URLCONFS[kind]
        return self.get_response(request)


def panel_link(path: str) -> str:
    """An absolute link into the panel for mail and SMS, from PANEL_URL (never a request's Host)."""
    return f"{settings.PANEL_URL}{path}"
