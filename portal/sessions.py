"""Portal hosts keep their session (and CSRF) cookies under their own names.

A browser never sends one host's cookies to another anyway (they are host-only); the separate
names also mean a panel session id pasted onto a portal host is simply not read there, and the
other way round. Runs before SessionMiddleware: it renames on the way in and on the way out.
"""

from django.conf import settings

PORTAL_SESSION_COOKIE = "portal_sessionid"
PORTAL_CSRF_COOKIE = "portal_csrftoken"


def _pairs():
    return (
        (settings.SESSION_COOKIE_NAME, PORTAL_SESSION_COOKIE),
        (settings.CSRF_COOKIE_NAME, PORTAL_CSRF_COOKIE),
    )


class PortalSessionCookieMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        portal = getattr(request, "site_kind", None) == "portal"
        if portal:
            for panel_name, portal_name in _pairs():
                request.COOKIES.pop(panel_name, None)  # a panel cookie means nothing here
                if portal_name in request.COOKIES:
                    request.COOKIES[panel_name] = request.COOKIES.pop(portal_name)
        else:
            for _panel_name, portal_name in _pairs():
                request.COOKIES.pop(portal_name, None)
        response = self.get_response(request)
        if portal:
            for panel_name, portal_name in _pairs():
                morsel = response.cookies.pop(panel_name, None)
                if morsel is not None:
                    response.cookies[portal_name] = morsel.value
                    for key, value in morsel.items():
                        if value:
                            response.cookies[portal_name][key] = value
        return response
