"""The panel's own 403 page: in the panel layout, naming the area the person lacks."""

from django.http import HttpResponseForbidden
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _missing_area(request) -> tuple[str, bool] | None:
    """(area label, needs write) of the view that refused, read from its declared `area`."""
    match = getattr(request, "resolver_match", None)
    view_class = getattr(getattr(match, "func", None), "view_class", None)
    area = getattr(view_class, "area", None)
    if not area:
        return None
    label = getattr(area, "label", None) or str(area).replace("_", " ").title()
    needs_write = request.method in WRITE_METHODS or bool(getattr(view_class, "requires_write", False))
    return label, needs_write


def permission_denied(request, exception=None):  # noqa: ARG001 - Django calls handler403(request, exception)
    referer = request.META.get("HTTP_REFERER", "")
    back = (
        referer
        if referer
        and referer != request.build_absolute_uri()
        and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()})
        else None
    )
    missing = _missing_area(request)
    context = {
        "title": "Access denied",
        "area": missing[0] if missing else "",
        "needs_write": missing[1] if missing else False,
        "back_url": back,
    }
    template = loader.get_template("403.html")
    return HttpResponseForbidden(template.render(context, request))
